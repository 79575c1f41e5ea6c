using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Code.Core.Diagnostics;

namespace Code.Core.State;

/// <summary>
/// The state stores' instruments on a <c>Code.Core</c> meter (names documented in docs/state.md), created once per meter:
/// a store built with the host's <see cref="IMeterFactory"/> records on that factory's meter, one built without on the
/// process-wide meter.
/// </summary>
internal sealed class StateStoreMetrics
{
    private static readonly ConditionalWeakTable<Meter, StateStoreMetrics> PerMeter = [];

    private readonly Histogram<double> _operationDuration;
    private readonly Counter<long> _operations;
    private readonly Histogram<long> _flushSize;
    private readonly Histogram<double> _flushDuration;
    private readonly Histogram<double> _checkpointDuration;

    private StateStoreMetrics(Meter meter)
    {
        _operationDuration = meter.CreateHistogram<double>(
            "code.core.state.operation.duration", "s", "Duration of state store operations, including the wait for durability.");
        _operations = meter.CreateCounter<long>(
            "code.core.state.operations", "{operation}", "State store operations, by store, operation and outcome.");
        _flushSize = meter.CreateHistogram<long>(
            "code.core.state.log.flush.size", "{record}", "Log records made durable by one group commit.");
        _flushDuration = meter.CreateHistogram<double>(
            "code.core.state.log.flush.duration", "s", "Duration of one group commit of the write-ahead log.");
        _checkpointDuration = meter.CreateHistogram<double>(
            "code.core.state.checkpoint.duration", "s", "Duration of a state store checkpoint.");
    }

    /// <summary>Gets the instruments of the process-wide meter, for stores built without an <see cref="IMeterFactory"/>.</summary>
    public static StateStoreMetrics Shared { get; } = For(null);

    /// <summary>Gets a value indicating whether anyone listens to the operation instruments (reads skip the clock when not).</summary>
    public bool OperationsObserved => _operationDuration.Enabled || _operations.Enabled;

    /// <summary>Gets the instruments on the <c>Code.Core</c> meter of <paramref name="meterFactory"/> (or the shared meter).</summary>
    public static StateStoreMetrics For(IMeterFactory? meterFactory) =>
        PerMeter.GetValue(CodeCoreDiagnostics.GetMeter(meterFactory), static meter => new StateStoreMetrics(meter));

    /// <summary>Gets the start timestamp of an operation, or 0 when no one listens.</summary>
    public long Start() => OperationsObserved ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records one finished operation.</summary>
    /// <param name="store">The store kind (<c>memory</c>, <c>faster</c>, <c>redis</c>).</param>
    /// <param name="operation">The operation (<c>get</c>, <c>put</c>, <c>cas</c>, <c>delete</c>, <c>scan</c>).</param>
    /// <param name="outcome"><c>ok</c>, <c>conflict</c> (a condition did not hold) or <c>error</c>.</param>
    /// <param name="startTimestamp">The <see cref="Stopwatch.GetTimestamp"/> taken when the operation began.</param>
    public void Operation(string store, string operation, string outcome, long startTimestamp)
    {
        if (startTimestamp == 0 || !OperationsObserved)
        {
            return;
        }

        var tags = new TagList { { "code.core.state.store", store }, { "code.core.state.operation", operation } };
        _operationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        tags.Add("code.core.state.outcome", outcome);
        _operations.Add(1, tags);
    }

    public void Flush(int records, TimeSpan duration)
    {
        _flushSize.Record(records);
        _flushDuration.Record(duration.TotalSeconds);
    }

    public void Checkpoint(TimeSpan duration, bool succeeded) =>
        _checkpointDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("code.core.state.outcome", succeeded ? "ok" : "error"));
}
