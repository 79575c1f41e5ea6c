namespace Code.Learning.CanaryJudge;

/// <summary>How one metric of the canary compares with the baseline.</summary>
public enum CanaryMetricClassification
{
    /// <summary>A harmful change beyond the tolerance is ruled out: the metric's interval lies within the tolerance on the harmful side (a change in the harmless direction also passes).</summary>
    Pass,

    /// <summary>The canary is significantly higher than the baseline (the interval excludes 0) and its estimated shift exceeds the tolerance, in a harmful direction; or its tail quantile is, beyond the tail tolerance.</summary>
    High,

    /// <summary>The canary is significantly lower than the baseline, beyond the tolerance, in a harmful direction.</summary>
    Low,

    /// <summary>Too few finite values on one side to judge.</summary>
    NoData,

    /// <summary>
    /// The data can neither show a harmful change nor rule one out: the interval reaches beyond the tolerance
    /// without excluding 0 (or the samples are too small to reach significance at all). More samples decide it;
    /// <see cref="CanaryMetricResult.SamplesNeeded"/> estimates how many.
    /// </summary>
    Inconclusive,
}

/// <summary>The overall outcome of a canary analysis.</summary>
public enum CanaryVerdict
{
    /// <summary>Every metric with data was decided, none is Inconclusive, no critical metric failed and the score reached the pass threshold.</summary>
    Pass,

    /// <summary>Every metric was decided and the score lies between the marginal and pass thresholds: some metrics failed, or one failed only just beyond its tolerance. A human (or a policy) decides.</summary>
    Marginal,

    /// <summary>A critical metric failed (or a metric that requires data had none), or the score of the decided metrics is below the marginal threshold.</summary>
    Fail,

    /// <summary>No metric had data.</summary>
    NoData,

    /// <summary>
    /// Not failed, but at least one metric is Inconclusive, so the canary cannot pass yet: extend the analysis
    /// (<see cref="CanaryJudgment.SamplesNeeded"/> estimates the samples per side) and judge again.
    /// </summary>
    Inconclusive,
}
