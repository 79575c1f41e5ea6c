using Code.Deploy.Analysis;
using Code.Deploy.Gates;
using Code.Deploy.Strategies;
using Code.Deploy.Webhooks;

namespace Code.Deploy.Specs;

/// <summary>
/// What to deploy and how: the application, the revision to roll out, the replica count, the strategy,
/// health probes, analysis templates, gates and webhooks. Built in code or read from JSON or YAML by
/// <see cref="IDeploymentSpecReader"/> (camelCase field names, as an Argo Rollouts manifest), and checked
/// by <see cref="IDeploymentSpecValidator"/>, which reports every problem with its path.
/// </summary>
/// <remarks>Defaults and bounds are those of docs/deploy.md; a property left at its default is valid.</remarks>
public sealed record DeploymentSpec
{
    /// <summary>Gets the application's name: 1 to 63 lowercase letters, digits and '-', starting with a letter or digit.</summary>
    /// <value>The default value is empty, which is invalid.</value>
    public string App { get; init; } = string.Empty;

    /// <summary>Gets the revision to roll out.</summary>
    public RevisionSpec Revision { get; init; } = new();

    /// <summary>Gets the number of instances of the revision when the rollout is complete, 0 to <see cref="SpecLimits.MaxReplicas"/>.</summary>
    /// <value>The default value is 1.</value>
    public int Replicas { get; init; } = SpecDefaults.Replicas;

    /// <summary>Gets the strategy; <see langword="null"/> uses <c>deploy_code.default_strategy</c> with its defaults.</summary>
    public StrategySpec? Strategy { get; init; }

    /// <summary>Gets the readiness and liveness probes of each instance, or <see langword="null"/> for none.</summary>
    public ProbesSpec? Probes { get; init; }

    /// <summary>Gets the analysis templates the strategy's analysis steps refer to, or <see langword="null"/> for none.</summary>
    public AnalysisSpec? Analysis { get; init; }

    /// <summary>Gets the gates checked before the rollout, before steps and before promotion.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<GateSpec> Gates { get; init; } = [];

    /// <summary>Gets the webhooks told of the rollout's events.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<WebhookSpec> Webhooks { get; init; } = [];

    /// <summary>Gets the seconds a rollout may go without progress before it fails (Kubernetes' <c>progressDeadlineSeconds</c>).</summary>
    /// <value>The default value is 600; allowed 1 to 86400, and more than <see cref="MinReadySeconds"/>.</value>
    public int ProgressDeadlineSeconds { get; init; } = SpecDefaults.ProgressDeadlineSeconds;

    /// <summary>Gets the seconds a new instance must be ready, without a liveness failure, before it counts as available.</summary>
    /// <value>The default value is 0; allowed 0 to 3600.</value>
    public int MinReadySeconds { get; init; }

    /// <summary>Gets how many earlier revisions are kept for undo.</summary>
    /// <value>The default value is 10; allowed 0 to 100.</value>
    public int RevisionHistoryLimit { get; init; } = SpecDefaults.RevisionHistoryLimit;
}
