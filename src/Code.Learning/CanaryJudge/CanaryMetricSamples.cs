namespace Code.Learning.CanaryJudge;

/// <summary>
/// The live samples of one metric over the analysis window: one value per scrape interval (or per
/// request) from the baseline and from the canary, and how to judge them. NaN values are allowed
/// (missing scrapes) and are dropped.
/// </summary>
/// <param name="Config">How to judge the metric.</param>
/// <param name="Baseline">The baseline's values.</param>
/// <param name="Canary">The canary's values.</param>
public sealed record CanaryMetricSamples(CanaryMetricConfig Config, ReadOnlyMemory<double> Baseline, ReadOnlyMemory<double> Canary);
