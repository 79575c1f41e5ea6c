using System.Collections.Concurrent;
using Code.Learning.Anomalies;
using Code.Learning.Diagnostics;
using Code.Learning.Risk;
using Code.Learning.Sequences;
using Code.Learning.Supervised;

namespace Code.Learning.Hosting;

/// <summary>
/// The models of one host: the risk model and the sequence model (swapped in whole when a checkpoint is
/// loaded) and the per-metric anomaly detectors. Also the risk model the host resolves: it forwards to
/// the current instance.
/// </summary>
internal sealed class LearningModels : ILearningModels, IDeploymentRiskModel, IDisposable
{
    private const int RecentAnomalyCapacity = 100;
    private const int MaxSessions = 10_000;

    private readonly Dictionary<string, RobustZScoreDetector> _detectors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AnomalyScore> _latest = new(StringComparer.Ordinal);
    private readonly Queue<MetricAnomaly> _recent = new();
    private readonly Dictionary<string, string[]> _sessions = new(StringComparer.Ordinal);
    private readonly Queue<string> _sessionOrder = new();
    private readonly Lock _recentLock = new();
    private readonly FtrlOptions _riskOptions;
    private readonly int _sequenceOrder;
    private readonly int _metricWindow;
    private readonly int _maxMetricSeries;
    private readonly double _anomalyThreshold;
    private volatile DeploymentRiskModel _risk;
    private volatile MarkovSequenceModel _sequences;
    private long _processed;
    private long _rejected;

    public LearningModels(FtrlOptions riskOptions, int sequenceOrder, int metricWindow, int maxMetricSeries, double anomalyThreshold)
    {
        _riskOptions = riskOptions;
        _sequenceOrder = sequenceOrder;
        _metricWindow = metricWindow;
        _maxMetricSeries = maxMetricSeries;
        _anomalyThreshold = anomalyThreshold;
        _risk = new DeploymentRiskModel(new FtrlLogisticRegression(riskOptions));
        _sequences = new MarkovSequenceModel(sequenceOrder);
        LearningDiagnostics.Register(this);
    }

    public IDeploymentRiskModel Risk => this;

    public MarkovSequenceModel ToolSequences => _sequences;

    public long EventsProcessed => Interlocked.Read(ref _processed);

    public long EventsRejected => Interlocked.Read(ref _rejected);

    public Supervised.ModelQuality Quality => _risk.Quality;

    internal DeploymentRiskModel CurrentRisk => _risk;

    internal int SequenceOrder => _sequenceOrder;

    public double PredictFailureProbability(DeploymentRiskFeatures features) => _risk.PredictFailureProbability(features);

    public double RecordOutcome(DeploymentRiskFeatures features, bool failed) => _risk.RecordOutcome(features, failed);

    public bool TryGetLatestScore(string metric, out AnomalyScore score) => _latest.TryGetValue(metric, out score);

    public IReadOnlyList<MetricAnomaly> GetRecentAnomalies()
    {
        lock (_recentLock)
        {
            return [.. _recent];
        }
    }

    public void Dispose() => LearningDiagnostics.Unregister(this);

    internal void ReplaceRisk(FtrlLogisticRegression model) => _risk = new DeploymentRiskModel(model);

    internal void ReplaceSequences(MarkovSequenceModel model) => _sequences = model;

    internal FtrlOptions RiskOptions => _riskOptions;

    /// <summary>Folds one event into the models; called only by the loop's single reader.</summary>
    internal void Apply(LearningEvent learningEvent, DateTimeOffset now)
    {
        switch (learningEvent)
        {
            case DeploymentOutcomeEvent outcome:
                _risk.RecordOutcome(outcome.Features, outcome.Failed);
                break;
            case ToolSequenceEvent sequence:
                ArgumentNullException.ThrowIfNull(sequence.Calls);
                _sequences.Learn(sequence.Calls.ToArray());
                break;
            case ToolCallEvent call:
                LearnCall(call);
                break;
            case MetricSampleEvent sample:
                Score(sample, now);
                break;
            default:
                throw new ArgumentException($"The learning loop does not know events of type {learningEvent?.GetType().Name ?? "null"}.", nameof(learningEvent));
        }

        Interlocked.Increment(ref _processed);
    }

    internal void CountRejected() => Interlocked.Increment(ref _rejected);

    private void LearnCall(ToolCallEvent call)
    {
        if (string.IsNullOrEmpty(call.SessionId))
        {
            throw new ArgumentException("A tool call event has no session id.", nameof(call));
        }

        var known = _sessions.TryGetValue(call.SessionId, out var history);
        history ??= [];
        _sequences.LearnNext(history, call.Tool);

        var keep = Math.Max(0, _sequenceOrder - 1);
        var next = history.Length < keep ? new string[history.Length + 1] : new string[keep];
        if (next.Length > 0)
        {
            history.AsSpan(history.Length - (next.Length - 1)).CopyTo(next);
            next[^1] = call.Tool;
        }

        _sessions[call.SessionId] = next;
        if (!known)
        {
            _sessionOrder.Enqueue(call.SessionId);
            while (_sessionOrder.Count > MaxSessions)
            {
                _sessions.Remove(_sessionOrder.Dequeue());
            }
        }
    }

    private void Score(MetricSampleEvent sample, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(sample.Metric))
        {
            throw new ArgumentException("A metric sample has no metric name.", nameof(sample));
        }

        if (!_detectors.TryGetValue(sample.Metric, out var detector))
        {
            if (_detectors.Count >= _maxMetricSeries)
            {
                throw new ArgumentException($"Metric '{sample.Metric}' would exceed the {_maxMetricSeries} tracked metric series.", nameof(sample));
            }

            detector = new RobustZScoreDetector(_metricWindow, _anomalyThreshold, Math.Min(_metricWindow, 10));
            _detectors.Add(sample.Metric, detector);
        }

        var score = detector.Observe(sample.Value);
        _latest[sample.Metric] = score;
        if (score.IsAnomaly)
        {
            lock (_recentLock)
            {
                _recent.Enqueue(new MetricAnomaly(sample.Metric, score, now));
                while (_recent.Count > RecentAnomalyCapacity)
                {
                    _recent.Dequeue();
                }
            }
        }
    }
}
