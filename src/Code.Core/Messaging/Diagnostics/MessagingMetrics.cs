using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Code.Core.Diagnostics;

namespace Code.Core.Messaging.Diagnostics;

/// <summary>
/// The messaging instruments on a <c>Code.Core</c> meter (names documented in docs/messaging.md), created once per meter.
/// Every recording checks <see cref="Instrument.Enabled"/> first, so an unobserved meter costs a field read.
/// </summary>
internal sealed class MessagingMetrics
{
    private static readonly ConditionalWeakTable<Meter, MessagingMetrics> PerMeter = [];

    private MessagingMetrics(Meter meter)
    {
        RequestDuration = meter.CreateHistogram<double>(
            "code.core.messaging.request.duration", "s", "Time from dispatching a request to writing its response.");
        Messages = meter.CreateCounter<long>(
            "code.core.messaging.messages", "{message}", "JSON-RPC messages received, by kind (request, notification, response).");
        QueueDepth = meter.CreateUpDownCounter<long>(
            "code.core.messaging.queue.depth", "{request}", "Requests waiting in a lane's queue, by lane.");
        ActiveRequests = meter.CreateUpDownCounter<long>(
            "code.core.messaging.requests.active", "{request}", "Requests whose handler is running, by lane.");
        Errors = meter.CreateCounter<long>(
            "code.core.messaging.errors", "{error}", "JSON-RPC error responses sent, by error code.");
    }

    public Histogram<double> RequestDuration { get; }

    public Counter<long> Messages { get; }

    public UpDownCounter<long> QueueDepth { get; }

    public UpDownCounter<long> ActiveRequests { get; }

    public Counter<long> Errors { get; }

    /// <summary>Gets the instruments on the <c>Code.Core</c> meter of <paramref name="meterFactory"/> (or the shared meter).</summary>
    public static MessagingMetrics For(IMeterFactory? meterFactory) =>
        PerMeter.GetValue(CodeCoreDiagnostics.GetMeter(meterFactory), static meter => new MessagingMetrics(meter));

    public void MessageReceived(string kind)
    {
        if (Messages.Enabled)
        {
            Messages.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    public void ErrorSent(int code)
    {
        if (Errors.Enabled)
        {
            Errors.Add(1, new KeyValuePair<string, object?>("code", code));
        }
    }

    public void Queued(string lane, int delta)
    {
        if (QueueDepth.Enabled)
        {
            QueueDepth.Add(delta, new KeyValuePair<string, object?>("lane", lane));
        }
    }

    public void Active(string lane, int delta)
    {
        if (ActiveRequests.Enabled)
        {
            ActiveRequests.Add(delta, new KeyValuePair<string, object?>("lane", lane));
        }
    }
}
