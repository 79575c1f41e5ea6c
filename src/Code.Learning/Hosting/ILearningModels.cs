using Code.Learning.Anomalies;
using Code.Learning.Risk;
using Code.Learning.Sequences;

namespace Code.Learning.Hosting;

/// <summary>An anomalous metric sample seen by the learning loop.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Score">The sample's robust z-score.</param>
/// <param name="ObservedAt">When the loop scored it.</param>
public sealed record MetricAnomaly(string Metric, AnomalyScore Score, DateTimeOffset ObservedAt);

/// <summary>The models the learning loop keeps up to date, for the host to read.</summary>
public interface ILearningModels
{
    /// <summary>Gets the deployment risk model.</summary>
    IDeploymentRiskModel Risk { get; }

    /// <summary>Gets the tool-call sequence model.</summary>
    MarkovSequenceModel ToolSequences { get; }

    /// <summary>Gets the number of events folded into the models since start.</summary>
    long EventsProcessed { get; }

    /// <summary>Gets the number of events rejected as invalid since start (see the log for why).</summary>
    long EventsRejected { get; }

    /// <summary>Gets the latest score of a metric series.</summary>
    /// <param name="metric">The metric name.</param>
    /// <param name="score">The score of its latest sample.</param>
    /// <returns>Whether the metric has been seen.</returns>
    bool TryGetLatestScore(string metric, out AnomalyScore score);

    /// <summary>Gets the most recent anomalies (up to 100), newest last.</summary>
    /// <returns>The anomalies.</returns>
    IReadOnlyList<MetricAnomaly> GetRecentAnomalies();
}
