using Code.Core.Configuration;
using Code.Core.Hosting;
using Code.Deploy;
using Code.Deploy.Analysis;
using Code.Deploy.Gates;
using Code.Deploy.Specs;
using Code.Deploy.Specs.Reading;
using Code.Deploy.Specs.Validation;
using Code.Deploy.Strategies;
using Code.Deploy.Strategies.Planning;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Code.Deploy on a CODE host.</summary>
public static class DeployCodeBuilderExtensions
{
    /// <summary>
    /// Adds the spec reader (<see cref="IDeploymentSpecReader"/>), the spec validator (<see cref="IDeploymentSpecValidator"/>,
    /// which checks plugin, provider and gate names against those registered here) and the planner
    /// (<see cref="IDeploymentPlanner"/>, the dry run, which takes <c>deploy_code.default_strategy</c> from
    /// <see cref="CodeOptions.Deploy"/>). The rollout engine is not part of this version. Calling it twice registers
    /// everything once; every service can be replaced by registering it first.
    /// </summary>
    /// <param name="builder">The CODE builder from <c>AddCode()</c>.</param>
    /// <param name="configure">Registers extensions (step plugins, analysis providers, gates).</param>
    /// <returns>The builder.</returns>
    public static ICodeBuilder AddDeploy(this ICodeBuilder builder, Action<IDeployBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<IDeploymentSpecValidator>(sp => new DeploymentSpecValidator(
            sp.GetServices<ICanaryStepPlugin>(), sp.GetServices<IAnalysisProvider>(), sp.GetServices<IDeploymentGate>()));
        services.TryAddSingleton<IDeploymentSpecReader>(sp => new DeploymentSpecReader(sp.GetRequiredService<IDeploymentSpecValidator>()));
        services.TryAddSingleton<IDeploymentPlanner>(sp => new DeploymentPlanner(
            sp.GetRequiredService<IDeploymentSpecValidator>(), sp.GetService<IOptions<CodeOptions>>()));
        configure?.Invoke(new DeployBuilder(services));
        return builder;
    }

    /// <summary>Registers a canary step plugin, used by <c>plugin</c> steps that name it; registering the same type twice registers it once.</summary>
    /// <typeparam name="TPlugin">The plugin type, created by the container.</typeparam>
    /// <param name="builder">The deploy builder.</param>
    /// <returns>The builder.</returns>
    public static IDeployBuilder AddStepPlugin<TPlugin>(this IDeployBuilder builder)
        where TPlugin : class, ICanaryStepPlugin
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICanaryStepPlugin, TPlugin>());
        return builder;
    }

    /// <summary>Registers an analysis provider, used by metrics whose provider names it.</summary>
    /// <typeparam name="TProvider">The provider type, created by the container.</typeparam>
    /// <param name="builder">The deploy builder.</param>
    /// <returns>The builder.</returns>
    public static IDeployBuilder AddAnalysisProvider<TProvider>(this IDeployBuilder builder)
        where TProvider : class, IAnalysisProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAnalysisProvider, TProvider>());
        return builder;
    }

    /// <summary>Registers a gate, used by gates whose kind (or plugin name) it checks.</summary>
    /// <typeparam name="TGate">The gate type, created by the container.</typeparam>
    /// <param name="builder">The deploy builder.</param>
    /// <returns>The builder.</returns>
    public static IDeployBuilder AddGate<TGate>(this IDeployBuilder builder)
        where TGate : class, IDeploymentGate
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeploymentGate, TGate>());
        return builder;
    }
}
