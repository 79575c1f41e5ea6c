using Microsoft.Extensions.DependencyInjection;

namespace Code.Deploy;

/// <summary>Configures Code.Deploy on a CODE host; passed to <c>AddDeploy(d => ...)</c> and extended by targets and extensions.</summary>
public interface IDeployBuilder
{
    /// <summary>Gets the service collection Code.Deploy's services are registered in.</summary>
    IServiceCollection Services { get; }
}

/// <summary>The builder handed to <c>AddDeploy</c>'s callback.</summary>
internal sealed class DeployBuilder(IServiceCollection services) : IDeployBuilder
{
    public IServiceCollection Services { get; } = services;
}
