namespace Code.Learning.CanaryJudge;

/// <summary>How one metric is judged: its group, the harmful direction, tolerance and criticality.</summary>
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
    /// Gets the relative effect size (Hodges-Lehmann shift divided by the baseline median) that a
    /// statistically significant change must exceed to fail; smaller shifts pass as practically irrelevant.
    /// </summary>
    /// <value>The default value is 0.05 (5 %).</value>
    public double Tolerance { get; init; } = CanaryJudgeDefaults.Tolerance;

    /// <summary>Gets the absolute shift (in the metric's unit) a change must also exceed to fail; useful for metrics near zero.</summary>
    /// <value>The default value is 0.</value>
    public double AbsoluteTolerance { get; init; }

    /// <summary>Gets a value indicating whether values outside the 1.5 IQR fences are removed from each sample before the test.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RemoveOutliers { get; init; } = true;

    /// <summary>Gets the fewest finite values each side needs; with fewer the metric is NoData.</summary>
    /// <value>The default value is 3.</value>
    public int MinimumSamples { get; init; } = CanaryJudgeDefaults.MinimumSamples;
}
