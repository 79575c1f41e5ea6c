using Microsoft.Extensions.DependencyInjection;

namespace Code.Core.Hosting;

/// <summary>
/// Configures the services of a CODE host. Returned by
/// <see cref="CodeServiceCollectionExtensions.AddCode(IServiceCollection)"/> and extended by the
/// other CODE packages (<c>AddLearning</c>, <c>AddExperts</c>, <c>AddDeploy</c>).
/// </summary>
public interface ICodeBuilder
{
    /// <summary>Gets the service collection the CODE services are registered in.</summary>
    IServiceCollection Services { get; }
}
