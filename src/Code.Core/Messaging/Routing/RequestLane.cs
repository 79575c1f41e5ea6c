namespace Code.Core.Messaging.Routing;

/// <summary>What <see cref="RequestLane.TryAdmit"/> decided for a request.</summary>
internal enum LaneAdmission
{
    RunNow,
    Queued,
    Full,
}

/// <summary>
/// One priority lane of a connection: a concurrency limit and a queue bounded in bytes. A request runs at once
/// while the lane has a free slot and nothing is queued; otherwise it queues. When the queue holds
/// <see cref="LaneOptions.QueueCapacityBytes"/>, a <see cref="BackPressurePolicy.Reject"/> lane refuses further requests,
/// while a <see cref="BackPressurePolicy.Wait"/> lane keeps them waiting behind the queue, in order, up to the same size
/// again: meanwhile the read loop goes on with every other message (other lanes, cancellations, responses to the
/// connection's own requests). Only beyond that is the lane full and the read loop stops. A finishing request hands its
/// slot to the oldest queued one.
/// </summary>
internal sealed class RequestLane
{
    private readonly Lock _gate = new();
    private readonly Queue<JsonRpcRequestContext> _queue = new();
    private readonly LaneOptions _options;
    private long _queuedBytes;
    private int _running;
    private TaskCompletionSource? _spaceAvailable;

    public RequestLane(MessageLane lane, LaneOptions options)
    {
        Lane = lane;
        Name = lane.ToString().ToLowerInvariant();
        _options = options;
    }

    public MessageLane Lane { get; }

    public string Name { get; }

    public BackPressurePolicy Policy => _options.Policy;

    public int QueueCapacityBytes => _options.QueueCapacityBytes;

    /// <summary>Gets how many bytes of requests the lane holds before it is full: its capacity, twice that under <see cref="BackPressurePolicy.Wait"/>.</summary>
    public long HoldLimitBytes => _options.Policy == BackPressurePolicy.Wait ? 2L * _options.QueueCapacityBytes : _options.QueueCapacityBytes;

    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public long QueuedBytes
    {
        get
        {
            lock (_gate)
            {
                return _queuedBytes;
            }
        }
    }

    /// <summary>
    /// Admits a request. When the queue is full and <paramref name="wantWaiter"/> is set, returns a task that completes
    /// when room is made; <paramref name="force"/> queues it even over capacity (members of a batch, which is bounded).
    /// </summary>
    public LaneAdmission TryAdmit(JsonRpcRequestContext context, bool wantWaiter, out Task? waiter, bool force = false)
    {
        waiter = null;
        lock (_gate)
        {
            if (_running < _options.MaxConcurrency && _queue.Count == 0)
            {
                _running++;
                return LaneAdmission.RunNow;
            }

            // An empty queue always takes one request, so a message larger than the capacity still gets through.
            if (force || _queue.Count == 0 || _queuedBytes + context.Size <= HoldLimitBytes)
            {
                _queue.Enqueue(context);
                _queuedBytes += context.Size;
                return LaneAdmission.Queued;
            }

            if (wantWaiter)
            {
                _spaceAvailable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiter = _spaceAvailable.Task;
            }

            return LaneAdmission.Full;
        }
    }

    /// <summary>Releases a finished request's slot: returns the next queued request to run in it, if any.</summary>
    public JsonRpcRequestContext? Release()
    {
        TaskCompletionSource? signal = null;
        JsonRpcRequestContext? next = null;
        lock (_gate)
        {
            if (_queue.TryDequeue(out next))
            {
                _queuedBytes -= next.Size;
                signal = _spaceAvailable;
                _spaceAvailable = null;
            }
            else
            {
                _running--;
            }
        }

        signal?.TrySetResult();
        return next;
    }
}
