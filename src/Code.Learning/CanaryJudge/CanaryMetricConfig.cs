namespace Code.Learning.CanaryJudge;

/// <summary>How one metric is judged: its group, the harmful direction, tolerances, tail quantile and criticality.</summary>
public sealed class CanaryMetricConfig
{
    /// <summary>Initializes a new instance of the <see cref="CanaryMetricConfig"/> class.</summary>
    /// <param name="name">The metric name, unique within a request (for example <c>latency_ms</c>).</param>
    public CanaryMetricConfig(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>Gets the metric name.</summary>
    public string Name { get; }

    /// <summary>Gets the group whose score this metric counts in.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string Group { get; init; } = CanaryJudgeDefaults.Group;

    /// <summary>Gets the change that counts against the canary.</summary>
    /// <value>The default value is <see cref="MetricDirection.Either"/>.</value>
    public MetricDirection Direction { get; init; } = MetricDirection.Either;

    /// <summary>Gets a value indicating whether a failure of this metric fails the whole canary regardless of the score.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Critical { get; init; }

    /// <summary>Gets a value indicating whether missing data for this metric fails the canary (instead of being left out of the score).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequireData { get; init; }

    /// <summary>
    /// Gets the relative shift (Hodges-Lehmann shift divided by the baseline's absolute median, or its mean absolute
    /// value when the median is 0) that counts as a regression. A metric fails when its shift is significant and its
    /// estimate exceeds the tolerance; it passes only when its interval rules out a harmful shift beyond the tolerance;
    /// otherwise it is Inconclusive.
    /// </summary>
    /// <value>The default value is 0.05 (5 %).</value>
    public double Tolerance { get; init; } = CanaryJudgeDefaults.Tolerance;

    /// <summary>Gets the absolute shift (in the metric's unit) tolerated in any case: the tolerated shift is the larger of this and the relative tolerance times the reference level. Useful for metrics near zero.</summary>
    /// <value>The default value is 0.</value>
    public double AbsoluteTolerance { get; init; }

    /// <summary>
    /// Gets a value indicating whether values outside Tukey's fences (1.5 IQR beyond the quartiles) of the two sides
    /// pooled are removed from both sides before the tests. The same fences apply to both sides, so under no change
    /// the removal cannot create a difference; it is skipped when it would remove more than a quarter of either side.
    /// Removing outliers also removes tail regressions, so it is off by default (the rank tests need no outlier removal).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RemoveOutliers { get; init; }

    /// <summary>
    /// Gets the tail quantile also compared (a distribution-free interval for the difference of the quantiles), to catch
    /// regressions in the tail that leave the median alone: the upper tail for <see cref="MetricDirection.Increase"/>,
    /// the lower tail (1 - quantile) for <see cref="MetricDirection.Decrease"/>, both for <see cref="MetricDirection.Either"/>.
    /// <see langword="null"/> turns the tail comparison off. It needs enough values per side to bound the quantile
    /// (for 0.95 at the default confidence, a little over 100 per side); with fewer it is not made.
    /// </summary>
    /// <value>The default value is 0.95.</value>
    public double? TailQuantile { get; init; } = CanaryJudgeDefaults.TailQuantile;

    /// <summary>Gets the relative change of the tail quantile (to the baseline's) that a significant tail change must exceed to fail the metric.</summary>
    /// <value>The default value is 0.10 (10 %).</value>
    public double TailTolerance { get; init; } = CanaryJudgeDefaults.TailTolerance;

    /// <summary>Gets the fewest finite values each side needs; with fewer the metric is NoData.</summary>
    /// <value>The default value is 3.</value>
    public int MinimumSamples { get; init; } = CanaryJudgeDefaults.MinimumSamples;
}
