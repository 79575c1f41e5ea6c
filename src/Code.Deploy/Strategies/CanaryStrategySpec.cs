using Code.Deploy.Specs;

namespace Code.Deploy.Strategies;

/// <summary>
/// The canary strategy, with Argo Rollouts' fields: the steps move traffic (or, without a traffic router,
/// replicas) to the new revision, with pauses, analyses, header routes and plugin steps between; after the
/// last step the new revision is promoted to stable.
/// </summary>
public sealed record CanaryStrategySpec
{
    /// <summary>Gets the steps, run in order.</summary>
    /// <value>The default value is empty: the new revision is promoted at once.</value>
    public IReadOnlyList<CanaryStep> Steps { get; init; } = [];

    /// <summary>Gets the background analysis that runs from <see cref="BackgroundAnalysisSpec.StartingStep"/> until the rollout ends, or <see langword="null"/>.</summary>
    public BackgroundAnalysisSpec? Analysis { get; init; }

    /// <summary>Gets a value indicating whether the stable revision is scaled down as traffic leaves it (needs a traffic router).</summary>
    /// <value>The default value is <see langword="false"/>: the stable revision keeps its full count until promotion.</value>
    public bool DynamicStableScale { get; init; }

    /// <summary>Gets how many instances may run above the desired count; used when weights are approximated by replica counts.</summary>
    /// <value>The default value is 25%; not 0 when <see cref="MaxUnavailable"/> is 0.</value>
    public IntOrPercent MaxSurge { get; init; } = IntOrPercent.FromPercent(SpecDefaults.MaxSurgePercent);

    /// <summary>Gets how many instances may be unavailable; used when weights are approximated by replica counts.</summary>
    /// <value>The default value is 0.</value>
    public IntOrPercent MaxUnavailable { get; init; } = IntOrPercent.FromCount(0);

    /// <summary>Gets the seconds the old stable revision keeps running after promotion when a traffic router moves the traffic.</summary>
    /// <value>The default value is 30; allowed 0 to 86400.</value>
    public int ScaleDownDelaySeconds { get; init; } = SpecDefaults.ScaleDownDelaySeconds;

    /// <summary>Gets the seconds the canary keeps running after an abort.</summary>
    /// <value>The default value is 30; allowed 0 to 86400.</value>
    public int AbortScaleDownDelaySeconds { get; init; } = SpecDefaults.AbortScaleDownDelaySeconds;
}

/// <summary>References to analysis templates, run as one analysis (Argo's <c>RolloutAnalysis</c>).</summary>
public sealed record RolloutAnalysisSpec
{
    /// <summary>Gets the templates, by name; each must be defined in the spec's <c>analysis.templates</c>.</summary>
    public IReadOnlyList<AnalysisTemplateReference> Templates { get; init; } = [];
}

/// <summary>The canary's background analysis: runs from a step until the rollout ends, and aborts it on failure.</summary>
public sealed record BackgroundAnalysisSpec
{
    /// <summary>Gets the templates, by name.</summary>
    public IReadOnlyList<AnalysisTemplateReference> Templates { get; init; } = [];

    /// <summary>Gets the index of the step the analysis starts at.</summary>
    /// <value>The default value is 0 (from the first step); allowed 0 to the number of steps - 1.</value>
    public int StartingStep { get; init; }
}

/// <summary>A reference to an analysis template.</summary>
/// <param name="TemplateName">The template's name.</param>
public sealed record AnalysisTemplateReference(string TemplateName);
