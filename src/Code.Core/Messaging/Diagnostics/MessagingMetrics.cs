using System.Diagnostics.Metrics;
using Code.Core.Diagnostics;

namespace Code.Core.Messaging.Diagnostics;

/// <summary>
/// The messaging instruments on the <c>Code.Core</c> meter (names documented in docs/messaging.md).
/// Every recording checks <see cref="Instrument.Enabled"/> first, so an unobserved meter costs a field read.
/// </summary>
internal static class MessagingMetrics
{
    public static readonly Histogram<double> RequestDuration = CodeCoreDiagnostics.Meter.CreateHistogram<double>(
        "code.core.messaging.request.duration", "s", "Time from dispatching a request to writing its response.");

    public static readonly Counter<long> Messages = CodeCoreDiagnostics.Meter.CreateCounter<long>(
        "code.core.messaging.messages", "{message}", "JSON-RPC messages received, by kind (request, notification, response).");

    public static readonly UpDownCounter<long> QueueDepth = CodeCoreDiagnostics.Meter.CreateUpDownCounter<long>(
        "code.core.messaging.queue.depth", "{request}", "Requests waiting in a lane's queue, by lane.");

    public static readonly UpDownCounter<long> ActiveRequests = CodeCoreDiagnostics.Meter.CreateUpDownCounter<long>(
        "code.core.messaging.requests.active", "{request}", "Requests whose handler is running, by lane.");

    public static readonly Counter<long> Errors = CodeCoreDiagnostics.Meter.CreateCounter<long>(
        "code.core.messaging.errors", "{error}", "JSON-RPC error responses sent, by error code.");

    public static void MessageReceived(string kind)
    {
        if (Messages.Enabled)
        {
            Messages.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    public static void ErrorSent(int code)
    {
        if (Errors.Enabled)
        {
            Errors.Add(1, new KeyValuePair<string, object?>("code", code));
        }
    }

    public static void Queued(string lane, int delta)
    {
        if (QueueDepth.Enabled)
        {
            QueueDepth.Add(delta, new KeyValuePair<string, object?>("lane", lane));
        }
    }

    public static void Active(string lane, int delta)
    {
        if (ActiveRequests.Enabled)
        {
            ActiveRequests.Add(delta, new KeyValuePair<string, object?>("lane", lane));
        }
    }
}
