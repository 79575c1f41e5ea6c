using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using Code.Core.Diagnostics;
using Code.Core.Messaging.Diagnostics;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;

namespace Code.Core.Messaging;

/// <content>Incoming requests: lane admission, back-pressure, running handlers, responses, cancellation and drain.</content>
public sealed partial class JsonRpcConnection
{
    private void Admit(MethodRoute route, JsonRpcId id, in ReadOnlySequence<byte> frame, ref ParsedMessage message, BatchResponse? batch)
    {
        JsonRpcRequestContext context = RentContext();
        ReadOnlySequence<byte> parameters = message.ParamsLength > 0 ? frame.Slice(message.ParamsStart, message.ParamsLength) : default;
        context.Initialize(route, id, parameters, batch, (int)Math.Min(frame.Length, int.MaxValue));

        if (id.Kind is JsonRpcIdKind.Number or JsonRpcIdKind.String)
        {
            lock (_inFlightGate)
            {
                if (!_inFlight.TryAdd(id, context))
                {
                    context.Reset();
                    ReturnContext(context);
                    Reply(batch, id, JsonRpcErrorCodes.InvalidRequest, $"Invalid Request: a request with id {id} is already in flight.");
                    return;
                }
            }

            context.IsRegistered = true;
        }

        batch?.AddPending();
        RequestLane lane = _lanes[(int)route.Lane];
        Interlocked.Increment(ref _outstanding);
        // A batch is parsed in one pass and cannot stop half-way to wait: its members queue even over capacity
        // (a batch is bounded by MaxBatchSize) unless the lane rejects.
        bool force = batch is not null && lane.Policy == BackPressurePolicy.Wait;
        switch (lane.TryAdmit(context, wantWaiter: false, out _, force))
        {
            case LaneAdmission.RunNow:
                RunHandler(context, lane, onReadLoop: true);
                break;
            case LaneAdmission.Queued:
                _metrics.Queued(lane.Name, 1);
                break;
            default:
                if (lane.Policy == BackPressurePolicy.Wait)
                {
                    _blocked = context;
                    _blockedLane = lane;
                }
                else
                {
                    RejectBusy(context, lane);
                }

                break;
        }
    }

    private void RejectBusy(JsonRpcRequestContext context, RequestLane lane)
    {
        LogLaneFull(lane.Name, context.Method);
        if (!context.IsNotification)
        {
            Reply(context.Batch, context.Id, JsonRpcErrorCodes.ServerBusy, $"Server busy: the '{lane.Name}' lane's queue is full ({lane.QueueCapacityBytes} bytes, core.message_buffer_size); retry later.");
        }

        Finish(context, lane, startNext: false, onReadLoop: true);
    }

    private async Task WaitForLaneSpaceAsync(JsonRpcRequestContext context)
    {
        RequestLane lane = _blockedLane!;
        while (true)
        {
            LaneAdmission admission = lane.TryAdmit(context, wantWaiter: true, out Task? waiter);
            if (admission == LaneAdmission.RunNow)
            {
                _blocked = null;
                RunHandler(context, lane, onReadLoop: true);
                await FlushReadLoopWritesAsync().ConfigureAwait(false);
                return;
            }

            if (admission == LaneAdmission.Queued)
            {
                _blocked = null;
                _metrics.Queued(lane.Name, 1);
                return;
            }

            if (_shutdown.IsCancellationRequested)
            {
                _blocked = null;
                RejectBusy(context, lane);
                await FlushReadLoopWritesAsync().ConfigureAwait(false);
                return;
            }

            await waiter!.WaitAsync(_shutdown.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void RunHandler(JsonRpcRequestContext context, RequestLane lane, bool onReadLoop)
    {
        if (context.CancelledByPeer)
        {
            // Cancelled while it waited in the queue: it never runs.
            RespondCancelled(context, lane, onReadLoop);
            return;
        }

        _metrics.Active(lane.Name, 1);
        if (_metrics.RequestDuration.Enabled)
        {
            context.StartTimestamp = _timeProvider.GetTimestamp();
        }

        if (CodeCoreDiagnostics.ActivitySource.HasListeners())
        {
            context.Activity = StartActivity(context);
        }

        ValueTask handler;
        try
        {
            handler = context.Route!.Handler(context);
        }
        catch (Exception ex)
        {
            Complete(context, lane, ex, onReadLoop);
            return;
        }

        if (handler.IsCompletedSuccessfully)
        {
            Complete(context, lane, null, onReadLoop);
            return;
        }

        context.PendingHandler = handler;
        context.PendingLane = lane;
        handler.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(context.OnHandlerCompleted);
    }

    internal void HandlerCompleted(JsonRpcRequestContext context)
    {
        Exception? error = null;
        try
        {
            context.PendingHandler.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        context.PendingHandler = default;
        Complete(context, context.PendingLane!, error, onReadLoop: false);
    }

    internal void RunQueued(JsonRpcRequestContext context) => RunHandler(context, _lanes[(int)context.Route!.Lane], onReadLoop: false);

    private void Finish(JsonRpcRequestContext context, RequestLane lane, bool startNext, bool onReadLoop)
    {
        if (context.IsRegistered)
        {
            lock (_inFlightGate)
            {
                _inFlight.Remove(context.Id);
            }
        }

        BatchResponse? batch = context.Batch;
        context.Reset();
        ReturnContext(context);

        if (batch is not null)
        {
            CompleteBatchMember(batch, onReadLoop);
        }

        if (startNext && lane.Release() is { } next)
        {
            _metrics.Queued(lane.Name, -1);
            ThreadPool.UnsafeQueueUserWorkItem(next.WorkItem, preferLocal: false);
        }

        if (Interlocked.Decrement(ref _outstanding) == 0 && _draining)
        {
            _drained.TrySetResult();
        }
    }

    private void CompleteBatchMember(BatchResponse batch, bool onReadLoop)
    {
        ReadOnlyMemory<byte> array = batch.Complete();
        if (array.IsEmpty)
        {
            return;
        }

        ValueTask write = _output.WriteAsync(new RawMessage(array), flush: !onReadLoop);
        if (!write.IsCompletedSuccessfully)
        {
            Task pending = write.AsTask();
            if (onReadLoop)
            {
                _readLoopWrites.Add(pending);
            }
        }
    }

    private void Reply(BatchResponse? batch, JsonRpcId id, int code, string message)
    {
        if (batch is not null)
        {
            AppendError(batch, id, code, message);
            return;
        }

        WriteFromReadLoop(new ErrorMessage(id, code, message, null), code);
    }

    private void AppendError(BatchResponse batch, JsonRpcId id, int code, string message, string? data = null)
    {
        _metrics.ErrorSent(code);
        batch.Append(new ErrorMessage(id, code, message, data), static (w, m) => m.Write(w));
    }

    private void WriteFromReadLoop<T>(T message, int errorCode)
        where T : struct, IOutboundMessage
    {
        _metrics.ErrorSent(errorCode);
        ValueTask write = _output.WriteAsync(message, flush: false);
        if (!write.IsCompletedSuccessfully)
        {
            _readLoopWrites.Add(write.AsTask());
        }
    }

    /// <summary>
    /// Flushes what the read loop wrote. The read loop does not wait for a slow peer to take its output (two engines
    /// both waiting on their output would never read again); it only waits once it holds too many unfinished writes.
    /// Requests stay bounded meanwhile: a request keeps its lane slot until its response is written.
    /// </summary>
    private async ValueTask FlushReadLoopWritesAsync()
    {
        ValueTask flush = _output.FlushAsync();
        if (!flush.IsCompletedSuccessfully)
        {
            _readLoopWrites.Add(flush.AsTask());
        }

        if (_readLoopWrites.Count == 0)
        {
            return;
        }

        _readLoopWrites.RemoveAll(static t => t.IsCompletedSuccessfully);
        if (_readLoopWrites.Count > MaxUnfinishedReadLoopWrites || _draining)
        {
            foreach (Task write in _readLoopWrites)
            {
                await write.ConfigureAwait(false);
            }

            _readLoopWrites.Clear();
        }
    }

    private async Task DrainAsync()
    {
        _draining = true;
        if (Volatile.Read(ref _outstanding) == 0)
        {
            return;
        }

        if (_options.ShutdownTimeout > TimeSpan.Zero)
        {
            await _drained.Task.WaitAsync(_options.ShutdownTimeout, _timeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (!_drained.Task.IsCompleted)
        {
            LogDrainTimedOut(Volatile.Read(ref _outstanding));
            CancelAllInFlight();
            await _drained.Task.WaitAsync(_options.ShutdownTimeout, _timeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private JsonRpcRequestContext RentContext()
    {
        lock (_poolGate)
        {
            if (_contextPool.TryPop(out JsonRpcRequestContext? context))
            {
                return context;
            }
        }

        return new JsonRpcRequestContext(this);
    }

    private void ReturnContext(JsonRpcRequestContext context)
    {
        lock (_poolGate)
        {
            if (_contextPool.Count < MaxPooledContexts)
            {
                _contextPool.Push(context);
            }
        }
    }

    private static Activity? StartActivity(JsonRpcRequestContext context)
    {
        Activity? activity = CodeCoreDiagnostics.ActivitySource.StartActivity(context.Method, ActivityKind.Server);
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "jsonrpc");
            activity.SetTag("rpc.method", context.Method);
            activity.SetTag("rpc.jsonrpc.request_id", context.Id.ToString());
        }

        return activity;
    }
}
