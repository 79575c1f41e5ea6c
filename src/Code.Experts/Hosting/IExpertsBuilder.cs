using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Hosting;

/// <summary>
/// Configures the circle of experts inside <c>AddExperts(e =&gt; ...)</c>: add experts with
/// <c>AddChatExpert</c>, <c>AddKeyedChatExpert</c>, <c>AddOfflineExpert</c> and set options with <c>Configure</c>.
/// </summary>
public interface IExpertsBuilder
{
    /// <summary>Gets the service collection the circle is registered in.</summary>
    IServiceCollection Services { get; }
}
