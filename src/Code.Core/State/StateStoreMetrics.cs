using System.Diagnostics;
using System.Diagnostics.Metrics;
using Code.Core.Diagnostics;

namespace Code.Core.State;

/// <summary>The state stores' instruments on the <c>Code.Core</c> meter (names documented in docs/state.md).</summary>
internal static class StateStoreMetrics
{
    private static readonly Histogram<double> OperationDuration = CodeCoreDiagnostics.Meter.CreateHistogram<double>(
        "code.core.state.operation.duration", "s", "Duration of state store operations, including the wait for durability.");

    private static readonly Counter<long> Operations = CodeCoreDiagnostics.Meter.CreateCounter<long>(
        "code.core.state.operations", "{operation}", "State store operations, by store, operation and outcome.");

    private static readonly Histogram<long> FlushSize = CodeCoreDiagnostics.Meter.CreateHistogram<long>(
        "code.core.state.log.flush.size", "{record}", "Log records made durable by one group commit.");

    private static readonly Histogram<double> FlushDuration = CodeCoreDiagnostics.Meter.CreateHistogram<double>(
        "code.core.state.log.flush.duration", "s", "Duration of one group commit of the write-ahead log.");

    private static readonly Histogram<double> CheckpointDuration = CodeCoreDiagnostics.Meter.CreateHistogram<double>(
        "code.core.state.checkpoint.duration", "s", "Duration of a state store checkpoint.");

    /// <summary>Gets a value indicating whether anyone listens to the operation instruments (reads skip the clock when not).</summary>
    public static bool OperationsObserved => OperationDuration.Enabled || Operations.Enabled;

    /// <summary>Gets the start timestamp of an operation, or 0 when no one listens.</summary>
    public static long Start() => OperationsObserved ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records one finished operation.</summary>
    /// <param name="store">The store kind (<c>memory</c>, <c>faster</c>, <c>redis</c>).</param>
    /// <param name="operation">The operation (<c>get</c>, <c>put</c>, <c>cas</c>, <c>delete</c>, <c>scan</c>).</param>
    /// <param name="outcome"><c>ok</c>, <c>conflict</c> (a condition did not hold) or <c>error</c>.</param>
    /// <param name="startTimestamp">The <see cref="Stopwatch.GetTimestamp"/> taken when the operation began.</param>
    public static void Operation(string store, string operation, string outcome, long startTimestamp)
    {
        if (startTimestamp == 0 || !OperationsObserved)
        {
            return;
        }

        var tags = new TagList { { "code.core.state.store", store }, { "code.core.state.operation", operation } };
        OperationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        tags.Add("code.core.state.outcome", outcome);
        Operations.Add(1, tags);
    }

    public static void Flush(int records, TimeSpan duration)
    {
        FlushSize.Record(records);
        FlushDuration.Record(duration.TotalSeconds);
    }

    public static void Checkpoint(TimeSpan duration, bool succeeded) =>
        CheckpointDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("code.core.state.outcome", succeeded ? "ok" : "error"));
}
