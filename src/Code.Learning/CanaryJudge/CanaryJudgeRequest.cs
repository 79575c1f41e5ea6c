namespace Code.Learning.CanaryJudge;

/// <summary>One canary analysis: the samples of every metric, and optionally the weight of each group.</summary>
/// <param name="Metrics">The metrics, with unique names.</param>
public sealed record CanaryJudgeRequest(IReadOnlyList<CanaryMetricSamples> Metrics)
{
    /// <summary>
    /// Gets the weight of each metric group in the overall score; groups not listed weigh 1. Weights are
    /// relative (normalized over the groups that have data).
    /// </summary>
    public IReadOnlyDictionary<string, double>? GroupWeights { get; init; }
}
