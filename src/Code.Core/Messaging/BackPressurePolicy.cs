namespace Code.Core.Messaging;

/// <summary>What a lane does with a new request when its queue is full.</summary>
public enum BackPressurePolicy
{
    /// <summary>Stop reading from the transport until the queue has room, pushing back on the peer.</summary>
    Wait = 0,

    /// <summary>Answer the request at once with the JSON-RPC error <see cref="JsonRpc.JsonRpcErrorCodes.ServerBusy"/>.</summary>
    Reject = 1,
}
