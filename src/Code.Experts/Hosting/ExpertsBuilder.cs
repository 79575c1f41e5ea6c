using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Hosting;

/// <summary>The <see cref="IExpertsBuilder"/> handed to the <c>AddExperts</c> callback.</summary>
internal sealed class ExpertsBuilder(IServiceCollection services) : IExpertsBuilder
{
    public IServiceCollection Services { get; } = services;
}
