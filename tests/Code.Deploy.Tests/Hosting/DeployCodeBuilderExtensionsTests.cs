using Code.Deploy.Specs;
using Code.Deploy.Strategies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Deploy.Tests.Hosting;

public sealed class DeployCodeBuilderExtensionsTests
{
    [Fact]
    public async Task AddDeploy_registers_the_reader_validator_and_planner_once()
    {
        var services = new ServiceCollection();
        services.AddCode().AddDeploy().AddDeploy();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Single(services, d => d.ServiceType == typeof(IDeploymentPlanner));
        Assert.Single(services, d => d.ServiceType == typeof(IDeploymentSpecReader));
        var spec = provider.GetRequiredService<IDeploymentSpecReader>().Read(SpecExamples.Rolling, SpecFormat.Yaml).GetSpecOrThrow();
        var plan = await provider.GetRequiredService<IDeploymentPlanner>().PlanAsync(spec);
        Assert.Equal(StrategyKind.RollingUpdate, plan.Strategy);
    }

    [Fact]
    public void Registered_step_plugins_are_known_to_the_validator()
    {
        var services = new ServiceCollection();
        services.AddCode().AddDeploy(d => d.AddStepPlugin<RecordingStepPlugin>().AddStepPlugin<RecordingStepPlugin>());
        using var provider = services.BuildServiceProvider();
        var spec = DeployTestHost.Minimal(new StrategySpec { Canary = new CanaryStrategySpec { Steps = [new CanaryStep { Plugin = new PluginSpec("acme/smoke") }] } });

        Assert.Single(services, d => d.ServiceType == typeof(ICanaryStepPlugin));
        Assert.Empty(provider.GetRequiredService<IDeploymentSpecValidator>().Validate(spec));
        Assert.NotEmpty(DeployTestHost.Validator().Validate(spec));
    }

    [Fact]
    public async Task The_default_strategy_comes_from_deploy_code()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["deploy_code:default_strategy"] = "blue_green" })
            .Build();
        var services = new ServiceCollection();
        services.AddCode(configuration).AddDeploy();
        await using var provider = services.BuildServiceProvider();

        var plan = await provider.GetRequiredService<IDeploymentPlanner>().PlanAsync(DeployTestHost.Minimal());

        Assert.Equal(StrategyKind.BlueGreen, plan.Strategy);
    }
}
