namespace Code.Deploy.Analysis;

/// <summary>
/// Supplies the samples the canary judge compares: one metric's values from the baseline (stable) and the
/// canary revision over a window (for example request latencies measured at the traffic router, or one value
/// per scrape interval). Implemented by targets and metric sources; used by the <c>judge</c> provider.
/// </summary>
public interface IMetricSampleSource
{
    /// <summary>Reads the samples of one metric over a window.</summary>
    /// <param name="query">The metric, the two revisions and the window.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The samples; a side with no data is empty. NaN values are allowed (missing scrapes) and are dropped by the judge.</returns>
    ValueTask<MetricSamples> GetSamplesAsync(SampleQuery query, CancellationToken cancellationToken);
}

/// <summary>The samples asked of an <see cref="IMetricSampleSource"/>.</summary>
/// <param name="App">The application.</param>
/// <param name="BaselineRevision">The baseline (stable) revision.</param>
/// <param name="CanaryRevision">The canary revision.</param>
/// <param name="Metric">The metric's name (<see cref="JudgeMetricSpec.Name"/>).</param>
/// <param name="From">The start of the window, inclusive.</param>
/// <param name="To">The end of the window, exclusive.</param>
public sealed record SampleQuery(string App, string BaselineRevision, string CanaryRevision, string Metric, DateTimeOffset From, DateTimeOffset To);

/// <summary>One metric's samples from the baseline and the canary.</summary>
/// <param name="Baseline">The baseline's values.</param>
/// <param name="Canary">The canary's values.</param>
public sealed record MetricSamples(ReadOnlyMemory<double> Baseline, ReadOnlyMemory<double> Canary);
