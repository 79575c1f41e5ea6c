namespace Code.Learning.CanaryJudge;

/// <summary>The score of one metric group.</summary>
/// <param name="Group">The group name.</param>
/// <param name="Weight">The group's relative weight.</param>
/// <param name="Score">The mean score of the group's decided metrics (Pass, High, Low); NaN when none was decided.</param>
/// <param name="Passed">Metrics that passed.</param>
/// <param name="Failed">Metrics classified High or Low.</param>
/// <param name="Inconclusive">Metrics the data could not decide.</param>
/// <param name="NoData">Metrics without data.</param>
public sealed record CanaryGroupResult(string Group, double Weight, double Score, int Passed, int Failed, int Inconclusive, int NoData);

/// <summary>The outcome of a canary analysis.</summary>
/// <param name="Score">The weighted mean of the group scores, 0 to 100 (0 when a critical metric failed; NaN when no metric was decided).</param>
/// <param name="Verdict">Pass, Marginal, Fail, Inconclusive or NoData.</param>
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
    string Summary)
{
    /// <summary>
    /// Gets, when the verdict is Inconclusive, the largest <see cref="CanaryMetricResult.SamplesNeeded"/> of the
    /// Inconclusive metrics: how many values per side to collect before judging again; otherwise null.
    /// </summary>
    public int? SamplesNeeded { get; init; }
}
