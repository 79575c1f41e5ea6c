using Code.Learning.Risk;

namespace Code.Learning.Hosting;

/// <summary>Something that happened in the host and that the learning loop folds into its models.</summary>
public abstract record LearningEvent;

/// <summary>A deployment finished: the risk model learns whether deployments like it fail.</summary>
/// <param name="Features">What was known about the deployment before it started.</param>
/// <param name="Failed">Whether it failed (rolled back, aborted or breached its analysis).</param>
public sealed record DeploymentOutcomeEvent(DeploymentRiskFeatures Features, bool Failed) : LearningEvent;

/// <summary>A session's tool calls, in order: the sequence model learns the usual patterns.</summary>
/// <param name="Calls">The tool names, for example <c>deploy.plan</c>, <c>deploy.apply</c>.</param>
public sealed record ToolSequenceEvent(IReadOnlyList<string> Calls) : LearningEvent;

/// <summary>
/// One tool call of a session, as it happens (Code.Mcp posts these): the sequence model learns it after
/// the session's previous calls. The loop remembers the last calls of up to 10,000 sessions; the oldest
/// session is forgotten first.
/// </summary>
/// <param name="SessionId">The session (or agent connection) the call belongs to.</param>
/// <param name="Tool">The tool name.</param>
public sealed record ToolCallEvent(string SessionId, string Tool) : LearningEvent;

/// <summary>One sample of a metric series: scored for anomalies against the metric's recent values.</summary>
/// <param name="Metric">The metric name, for example <c>checkout.latency_p99_ms</c>.</param>
/// <param name="Value">The value; NaN and infinite values are counted as rejected, not learned.</param>
public sealed record MetricSampleEvent(string Metric, double Value) : LearningEvent;
