using Code.Deploy.Specs;

namespace Code.Deploy.Analysis;

/// <summary>The analysis templates of a spec, referred to by name from analysis steps, background analysis and blue-green analyses.</summary>
public sealed record AnalysisSpec
{
    /// <summary>Gets the templates, with unique names.</summary>
    public IReadOnlyList<AnalysisTemplateSpec> Templates { get; init; } = [];
}

/// <summary>An analysis template (Argo's <c>AnalysisTemplate</c>): metrics measured and judged together.</summary>
public sealed record AnalysisTemplateSpec
{
    /// <summary>Gets the template's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the metrics, with unique names; at least one.</summary>
    public IReadOnlyList<MetricSpec> Metrics { get; init; } = [];
}

/// <summary>
/// One metric of an analysis template, with Argo Rollouts' fields: where a measurement comes from, how
/// often and how many times it is taken, and the conditions that judge it (see docs/deploy.md, "Conditions").
/// </summary>
public sealed record MetricSpec
{
    /// <summary>Gets the metric's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets where the measurement comes from.</summary>
    public MetricProviderSpec Provider { get; init; } = new();

    /// <summary>Gets the time between measurements, or <see langword="null"/> to measure once.</summary>
    /// <value>The default value is <see langword="null"/>; at least 1 second.</value>
    public TimeSpan? Interval { get; init; }

    /// <summary>
    /// Gets the number of measurements, or <see langword="null"/>: one without an interval, unlimited with one
    /// (allowed only in background analysis, which ends with the rollout).
    /// </summary>
    /// <value>The default value is <see langword="null"/>; allowed 1 to 10000.</value>
    public int? Count { get; init; }

    /// <summary>Gets the delay before the first measurement.</summary>
    /// <value>The default value is <see langword="null"/> (none).</value>
    public TimeSpan? InitialDelay { get; init; }

    /// <summary>Gets the condition under which a measurement is successful, or <see langword="null"/>.</summary>
    public string? SuccessCondition { get; init; }

    /// <summary>Gets the condition under which a measurement has failed, or <see langword="null"/>.</summary>
    public string? FailureCondition { get; init; }

    /// <summary>Gets how many failed measurements are tolerated; one more fails the metric.</summary>
    /// <value>The default value is 0; allowed 0 to 10000.</value>
    public int FailureLimit { get; init; }

    /// <summary>Gets how many inconclusive measurements are tolerated; one more makes the metric inconclusive.</summary>
    /// <value>The default value is 0; allowed 0 to 10000.</value>
    public int InconclusiveLimit { get; init; }

    /// <summary>Gets how many consecutive measurement errors are tolerated; one more makes the metric an error.</summary>
    /// <value>The default value is 4; allowed 0 to 10000.</value>
    public int ConsecutiveErrorLimit { get; init; } = SpecDefaults.ConsecutiveErrorLimit;

    /// <summary>Gets a value indicating whether the metric is measured and recorded but cannot fail the analysis.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DryRun { get; init; }
}
