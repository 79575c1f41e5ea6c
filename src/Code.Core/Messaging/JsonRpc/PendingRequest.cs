using System.Threading.Tasks.Sources;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// A request sent to the peer and awaiting its response: a pooled <see cref="IValueTaskSource{TResult}"/>, so
/// correlating a response allocates nothing. Completed at most once, by the response, cancellation or connection loss.
/// </summary>
internal sealed class PendingRequest : IValueTaskSource<JsonRpcResponse>
{
    private readonly Action<PendingRequest> _return;
    private ManualResetValueTaskSourceCore<JsonRpcResponse> _core;
    private CancellationTokenRegistration _registration;
    private int _completed;

    public PendingRequest(Action<PendingRequest> returnToPool)
    {
        _return = returnToPool;
        // The response completes this on the read loop; its continuation (the caller's code) runs on the thread pool, so a
        // caller that blocks cannot stop the connection from reading.
        _core.RunContinuationsAsynchronously = true;
    }

    public long Id { get; set; }

    public CancellationToken CancellationToken { get; private set; }

    public ValueTask<JsonRpcResponse> Task => new(this, _core.Version);

    public void Register(Action<object?> onCancel, CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
        _registration = cancellationToken.UnsafeRegister(onCancel, this);
    }

    public bool TrySetResult(JsonRpcResponse response)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            response.Dispose();
            return false;
        }

        _core.SetResult(response);
        return true;
    }

    public bool TrySetException(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetException(exception);
        return true;
    }

    public JsonRpcResponse GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _registration.Dispose();
            _registration = default;
            CancellationToken = default;
            _core.Reset();
            Volatile.Write(ref _completed, 0);
            _return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
