using Code.Deploy.Specs;

namespace Code.Deploy.Strategies;

/// <summary>
/// The blue-green strategy, with Argo Rollouts' fields: the new revision starts behind the preview route,
/// is analysed, and on promotion takes all traffic at once; the old one is scaled down after a delay.
/// </summary>
public sealed record BlueGreenStrategySpec
{
    /// <summary>Gets the instances of the new revision before promotion, or <see langword="null"/> for the full replica count; it is scaled to the full count before the switch.</summary>
    /// <value>The default value is <see langword="null"/>; allowed 1 to the spec's replicas.</value>
    public int? PreviewReplicaCount { get; init; }

    /// <summary>Gets a value indicating whether the new revision is promoted without a person or an agent once it is ready and the pre-promotion analysis passed.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AutoPromotionEnabled { get; init; } = true;

    /// <summary>Gets the seconds to wait before promoting automatically, or <see langword="null"/> to promote at once; only with <see cref="AutoPromotionEnabled"/>.</summary>
    /// <value>The default value is <see langword="null"/>; allowed 1 to 2592000.</value>
    public int? AutoPromotionSeconds { get; init; }

    /// <summary>Gets the analysis run against the preview before the switch; its failure aborts the rollout.</summary>
    public RolloutAnalysisSpec? PrePromotionAnalysis { get; init; }

    /// <summary>Gets the analysis run after the switch; its failure switches traffic back to the old revision.</summary>
    public RolloutAnalysisSpec? PostPromotionAnalysis { get; init; }

    /// <summary>Gets the seconds the old revision keeps running after the switch (a fast rollback is a traffic switch until then).</summary>
    /// <value>The default value is 30; allowed 0 to 86400.</value>
    public int ScaleDownDelaySeconds { get; init; } = SpecDefaults.ScaleDownDelaySeconds;

    /// <summary>Gets the seconds the new revision keeps running after an abort.</summary>
    /// <value>The default value is 30; allowed 0 to 86400.</value>
    public int AbortScaleDownDelaySeconds { get; init; } = SpecDefaults.AbortScaleDownDelaySeconds;
}
