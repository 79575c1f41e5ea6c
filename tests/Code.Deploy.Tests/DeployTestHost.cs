using Code.Deploy.Analysis;
using Code.Deploy.Gates;
using Code.Deploy.Specs;
using Code.Deploy.Specs.Reading;
using Code.Deploy.Specs.Validation;
using Code.Deploy.Strategies;
using Code.Deploy.Strategies.Planning;

namespace Code.Deploy.Tests;

/// <summary>The spec services built without a container, with optional extensions.</summary>
internal static class DeployTestHost
{
    public static IDeploymentSpecValidator Validator(
        IEnumerable<ICanaryStepPlugin>? plugins = null,
        IEnumerable<IAnalysisProvider>? providers = null,
        IEnumerable<IDeploymentGate>? gates = null) => new DeploymentSpecValidator(plugins ?? [], providers ?? [], gates ?? []);

    public static IDeploymentSpecReader Reader(IDeploymentSpecValidator? validator = null) => new DeploymentSpecReader(validator ?? Validator());

    public static IDeploymentPlanner Planner(IDeploymentSpecValidator? validator = null) => new DeploymentPlanner(validator ?? Validator());

    public static DeploymentSpec Yaml(string yaml) => Reader().Read(yaml, SpecFormat.Yaml).GetSpecOrThrow();

    public static IReadOnlyList<SpecError> YamlErrors(string yaml)
    {
        var result = Reader().Read(yaml, SpecFormat.Yaml);
        Assert.False(result.IsValid, "the spec was expected to be invalid");
        return result.Errors;
    }

    public static DeploymentPlan Plan(DeploymentSpec spec, PlanContext? context = null) =>
        Planner().PlanAsync(spec, context).AsTask().GetAwaiter().GetResult();

    /// <summary>The (stable, new) replica counts after each step.</summary>
    public static string Counts(DeploymentPlan plan) => string.Join(" ", plan.Steps.Select(s => $"{s.StableReplicas}/{s.NewReplicas}"));

    public static DeploymentSpec Minimal(StrategySpec? strategy = null, int replicas = 3) => new()
    {
        App = "shop",
        Revision = new RevisionSpec { Name = "v2", Command = ["dotnet", "Shop.dll"] },
        Replicas = replicas,
        Strategy = strategy,
    };
}
