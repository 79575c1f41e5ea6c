using Code.Deploy.Specs;

namespace Code.Deploy.Analysis;

/// <summary>
/// Takes one measurement of a metric (a Prometheus query, an HTTP GET, the canary judge, an in-process
/// callback, or a provider the host registers). The engine calls it every <see cref="MetricSpec.Interval"/>
/// and judges the result with the metric's conditions.
/// </summary>
public interface IAnalysisProvider
{
    /// <summary>Gets the provider's name as a metric names it (<see cref="MetricProviderSpec.Kind"/>): <c>prometheus</c>, <c>web</c>, <c>judge</c>, <c>inProcess</c> or a plugin's name.</summary>
    string Name { get; }

    /// <summary>Checks a metric's provider settings when a spec is validated (for a plugin, its <see cref="PluginSpec.Config"/>).</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The problems, with paths relative to the metric (for example <c>provider.plugin.config.query</c>); empty when valid.</returns>
    IReadOnlyList<SpecError> Validate(MetricSpec metric);

    /// <summary>
    /// Takes one measurement. A measurement that cannot be taken (the server is down, the answer has no
    /// value) is returned as <see cref="Measurement.Failed"/> with the reason, not thrown; only cancellation throws.
    /// </summary>
    /// <param name="metric">The metric.</param>
    /// <param name="context">The rollout the measurement is for.</param>
    /// <param name="cancellationToken">Stops the measurement.</param>
    /// <returns>The measurement.</returns>
    ValueTask<Measurement> MeasureAsync(MetricSpec metric, AnalysisContext context, CancellationToken cancellationToken);
}

/// <summary>The rollout a measurement is taken for.</summary>
public sealed record AnalysisContext
{
    /// <summary>Gets the application.</summary>
    public required string App { get; init; }

    /// <summary>Gets the rollout's id.</summary>
    public required string RolloutId { get; init; }

    /// <summary>Gets the stable revision (the baseline), or <see langword="null"/> for a first deployment.</summary>
    public string? StableRevision { get; init; }

    /// <summary>Gets the new revision (the canary, or blue-green's preview).</summary>
    public required string CanaryRevision { get; init; }

    /// <summary>Gets the analysis template the metric belongs to.</summary>
    public required string TemplateName { get; init; }

    /// <summary>Gets the canary step the analysis runs in, or <see langword="null"/> for background and blue-green analyses.</summary>
    public int? StepIndex { get; init; }

    /// <summary>Gets when the current step (or the analysis) started: the start of the window samples are taken over.</summary>
    public required DateTimeOffset StepStartedAt { get; init; }

    /// <summary>Gets how many measurements of this metric were taken before in this analysis (0 for the first).</summary>
    public int MeasurementIndex { get; init; }
}

/// <summary>The phase of a measurement, a metric or an analysis (Argo's <c>AnalysisPhase</c>).</summary>
public enum AnalysisPhase
{
    /// <summary>Not started.</summary>
    Pending,

    /// <summary>Started, not finished.</summary>
    Running,

    /// <summary>Passed: the rollout continues.</summary>
    Successful,

    /// <summary>Failed: the rollout is aborted and rolled back.</summary>
    Failed,

    /// <summary>Could not be measured or judged (a provider error, a condition over a missing value).</summary>
    Error,

    /// <summary>Neither passed nor failed: the rollout pauses for a person or an agent.</summary>
    Inconclusive,
}

/// <summary>One measurement of a metric.</summary>
public sealed record Measurement
{
    /// <summary>Gets the measured value (a number, a list, an object of named values), or <see langword="null"/> when the measurement failed.</summary>
    public MetricValue? Value { get; init; }

    /// <summary>Gets when the measurement started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the measurement finished.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Gets why the measurement could not be taken, or <see langword="null"/> when it was.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Gets the phase the provider decided itself (the canary judge's verdict, or <see cref="AnalysisPhase.Inconclusive"/>
    /// when samples cannot decide yet), or <see langword="null"/> to let the metric's conditions decide.
    /// </summary>
    public AnalysisPhase? Phase { get; init; }

    /// <summary>Gets the provider's reason for <see cref="Phase"/>, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets details kept with the measurement in the rollout's history (the query sent, each judged metric's p-value and effect).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Creates a measurement that was taken.</summary>
    /// <param name="value">The value.</param>
    /// <param name="startedAt">When it started.</param>
    /// <param name="finishedAt">When it finished.</param>
    /// <returns>The measurement.</returns>
    public static Measurement Of(MetricValue value, DateTimeOffset startedAt, DateTimeOffset finishedAt) =>
        new() { Value = value ?? throw new ArgumentNullException(nameof(value)), StartedAt = startedAt, FinishedAt = finishedAt };

    /// <summary>Creates a measurement that could not be taken.</summary>
    /// <param name="error">Why, in a sentence.</param>
    /// <param name="startedAt">When it started.</param>
    /// <param name="finishedAt">When it finished.</param>
    /// <returns>The measurement.</returns>
    public static Measurement Failed(string error, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new() { Error = error, StartedAt = startedAt, FinishedAt = finishedAt, Phase = AnalysisPhase.Error };
    }
}
