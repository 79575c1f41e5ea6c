using Code.Deploy.Serialization;
using Code.Deploy.Strategies.Planning;

namespace Code.Deploy.Strategies;

/// <summary>
/// The ordered plan of a rollout (the dry run), a plain value: it serialises with System.Text.Json in camelCase
/// (<see cref="ToJson"/>, <see cref="DeployJson.Options"/>) for an MCP tool's structured output, and renders as a
/// text table (<see cref="ToText"/>).
/// </summary>
public sealed record DeploymentPlan
{
    /// <summary>Gets the application.</summary>
    public required string App { get; init; }

    /// <summary>Gets the revision being rolled out.</summary>
    public required string Revision { get; init; }

    /// <summary>Gets the revision that runs now ("stable" when its name was not given), or <see langword="null"/> for a first deployment.</summary>
    public string? StableRevision { get; init; }

    /// <summary>Gets the strategy (the spec's, or <c>deploy_code.default_strategy</c>).</summary>
    public required StrategyKind Strategy { get; init; }

    /// <summary>Gets the replica count of the new revision once the rollout is complete.</summary>
    public required int Replicas { get; init; }

    /// <summary>Gets how traffic weights are applied.</summary>
    public required PlanTrafficMode Traffic { get; init; }

    /// <summary>Gets the steps in order.</summary>
    public required IReadOnlyList<PlanStep> Steps { get; init; }

    /// <summary>Gets the canary's background analysis and the steps it spans, or <see langword="null"/>.</summary>
    public BackgroundAnalysisPlan? BackgroundAnalysis { get; init; }

    /// <summary>Serialises the plan as JSON (camelCase, durations as <c>30s</c>).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, DeployJson.Options);

    /// <summary>Renders the plan as a text table, one row per step.</summary>
    /// <returns>The table.</returns>
    public string ToText() => PlanText.Render(this);
}

/// <summary>How a plan's traffic weights are applied.</summary>
public enum PlanTrafficMode
{
    /// <summary>A traffic router sets the weights exactly.</summary>
    Router,

    /// <summary>Requests spread evenly over available instances, so a weight is a share of instances (recreate and rolling updates, or a canary without a router).</summary>
    ReplicaCounts,
}

/// <summary>What a plan step does.</summary>
public enum PlanAction
{
    /// <summary>Check gates; the rollout waits while one is pending and aborts when one is closed.</summary>
    Gate,

    /// <summary>Start instances of a revision.</summary>
    ScaleUp,

    /// <summary>Stop instances of a revision.</summary>
    ScaleDown,

    /// <summary>Wait until the new instances are available (ready for minReadySeconds).</summary>
    WaitForReady,

    /// <summary>Set the canary's traffic weight (scaling the canary first).</summary>
    SetWeight,

    /// <summary>Set the canary's replica count explicitly.</summary>
    SetCanaryScale,

    /// <summary>Add or remove a header route to the canary.</summary>
    SetHeaderRoute,

    /// <summary>Send the preview route to the new revision (blue-green).</summary>
    SetPreview,

    /// <summary>Pause for a duration or until promoted.</summary>
    Pause,

    /// <summary>Run an analysis and wait for its result.</summary>
    Analysis,

    /// <summary>Run a custom step plugin.</summary>
    Plugin,

    /// <summary>Switch all traffic to the new revision at once (blue-green's promotion).</summary>
    SwitchTraffic,

    /// <summary>Promote the new revision: full weight and full replica count, then it becomes stable.</summary>
    Promote,

    /// <summary>Keep the old revision running for a delay (fast rollback), then scale it down.</summary>
    ScaleDownDelay,
}

/// <summary>One step of a plan, with the state it leaves behind.</summary>
public sealed record PlanStep
{
    /// <summary>Gets the step's position in the plan, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>Gets what the step does.</summary>
    public required PlanAction Action { get; init; }

    /// <summary>Gets the step in a sentence.</summary>
    public required string Description { get; init; }

    /// <summary>Gets the index of the canary step this comes from, or <see langword="null"/>.</summary>
    public int? CanaryStep { get; init; }

    /// <summary>Gets the stable (old) revision's replica count after the step.</summary>
    public required int StableReplicas { get; init; }

    /// <summary>Gets the new revision's replica count after the step.</summary>
    public required int NewReplicas { get; init; }

    /// <summary>Gets the new revision's share of traffic in percent after the step, or <see langword="null"/> when no instance serves (recreate's gap).</summary>
    public double? NewWeight { get; init; }

    /// <summary>Gets the header routes to the new revision in effect after the step, by name.</summary>
    public IReadOnlyList<string> HeaderRoutes { get; init; } = [];

    /// <summary>Gets a value indicating whether the preview route serves the new revision after the step.</summary>
    public bool Preview { get; init; }

    /// <summary>Gets how long the step waits (a pause, autoPromotionSeconds, a scale-down delay), or <see langword="null"/>.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Gets a value indicating whether the step waits until the rollout is promoted by a person or an agent.</summary>
    public bool UntilPromoted { get; init; }

    /// <summary>Gets the analysis templates the step runs.</summary>
    public IReadOnlyList<string> Analyses { get; init; } = [];

    /// <summary>Gets what a failed analysis of this step does, or <see langword="null"/>.</summary>
    public string? OnFailure { get; init; }

    /// <summary>Gets the gates the step checks, by name.</summary>
    public IReadOnlyList<string> Gates { get; init; } = [];

    /// <summary>Gets the step plugin the step runs, or <see langword="null"/>.</summary>
    public string? Plugin { get; init; }

    /// <summary>Gets a value indicating whether the background analysis runs during the step.</summary>
    public bool BackgroundAnalysis { get; init; }
}

/// <summary>The canary's background analysis in a plan.</summary>
/// <param name="Templates">The templates it runs.</param>
/// <param name="FromStep">The first plan step it runs in.</param>
/// <param name="ToStep">The last plan step it runs in (the promotion).</param>
public sealed record BackgroundAnalysisPlan(IReadOnlyList<string> Templates, int FromStep, int ToStep);
