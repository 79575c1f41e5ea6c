namespace Code.Learning.CanaryJudge;

/// <summary>How one metric of the canary compares with the baseline.</summary>
public enum CanaryMetricClassification
{
    /// <summary>No harmful significant change beyond the tolerance.</summary>
    Pass,

    /// <summary>The canary is significantly higher than the baseline, beyond the tolerance, in a harmful direction.</summary>
    High,

    /// <summary>The canary is significantly lower than the baseline, beyond the tolerance, in a harmful direction.</summary>
    Low,

    /// <summary>Too few finite values on one side to judge.</summary>
    NoData,
}

/// <summary>The overall outcome of a canary analysis.</summary>
public enum CanaryVerdict
{
    /// <summary>The score reached the pass threshold and no critical metric failed.</summary>
    Pass,

    /// <summary>The score is between the marginal and pass thresholds: a human or a longer analysis should decide.</summary>
    Marginal,

    /// <summary>The score is below the marginal threshold, or a critical metric failed.</summary>
    Fail,

    /// <summary>No metric had data.</summary>
    NoData,
}

/// <summary>The judgement of one metric.</summary>
/// <param name="Name">The metric name.</param>
/// <param name="Group">The metric group.</param>
/// <param name="Classification">Pass, High, Low or NoData.</param>
/// <param name="PValue">The two-sided Mann-Whitney p-value (NaN for NoData).</param>
/// <param name="ExactPValue">Whether the p-value is exact (small samples without ties) rather than the normal approximation.</param>
/// <param name="Effect">The Hodges-Lehmann shift, canary minus baseline, in the metric's unit.</param>
/// <param name="RelativeEffect">The shift divided by the absolute baseline median (infinite when that median is 0 and the shift is not).</param>
/// <param name="EffectLower">The lower bound of the shift's confidence interval.</param>
/// <param name="EffectUpper">The upper bound of the shift's confidence interval.</param>
/// <param name="BaselineMedian">The baseline median after cleaning.</param>
/// <param name="CanaryMedian">The canary median after cleaning.</param>
/// <param name="BaselineCount">Baseline values used.</param>
/// <param name="CanaryCount">Canary values used.</param>
/// <param name="Removed">Values dropped as NaN/infinite or as outliers, both sides together.</param>
/// <param name="Reason">Why the metric was classified so, in a sentence.</param>
public sealed record CanaryMetricResult(
    string Name,
    string Group,
    CanaryMetricClassification Classification,
    double PValue,
    bool ExactPValue,
    double Effect,
    double RelativeEffect,
    double EffectLower,
    double EffectUpper,
    double BaselineMedian,
    double CanaryMedian,
    int BaselineCount,
    int CanaryCount,
    int Removed,
    string Reason)
{
    /// <summary>Gets a value indicating whether the metric counts as failed (High or Low).</summary>
    public bool Failed => Classification is CanaryMetricClassification.High or CanaryMetricClassification.Low;
}

/// <summary>The score of one metric group.</summary>
/// <param name="Group">The group name.</param>
/// <param name="Weight">The group's relative weight.</param>
/// <param name="Score">Passed metrics as a percentage of the metrics with data (NaN when none had data).</param>
/// <param name="Passed">Metrics that passed.</param>
/// <param name="Failed">Metrics classified High or Low.</param>
/// <param name="NoData">Metrics without data.</param>
public sealed record CanaryGroupResult(string Group, double Weight, double Score, int Passed, int Failed, int NoData);

/// <summary>The outcome of a canary analysis.</summary>
/// <param name="Score">The weighted score, 0 to 100 (0 when a critical metric failed or nothing had data).</param>
/// <param name="Verdict">Pass, Marginal, Fail or NoData.</param>
/// <param name="CriticalFailure">Whether a critical metric (or a metric that requires data) failed.</param>
/// <param name="Metrics">Each metric's judgement, in request order.</param>
/// <param name="Groups">Each group's score, in order of first appearance.</param>
/// <param name="Summary">A one-line explanation for logs and humans.</param>
public sealed record CanaryJudgment(
    double Score,
    CanaryVerdict Verdict,
    bool CriticalFailure,
    IReadOnlyList<CanaryMetricResult> Metrics,
    IReadOnlyList<CanaryGroupResult> Groups,
    string Summary);
