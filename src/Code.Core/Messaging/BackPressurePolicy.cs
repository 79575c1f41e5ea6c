namespace Code.Core.Messaging;

/// <summary>What a lane does with a new request when its queue is full.</summary>
public enum BackPressurePolicy
{
    /// <summary>
    /// Keep the request waiting, in order, while the connection goes on reading its other traffic (other lanes,
    /// cancellations, responses); once the lane holds twice its queue capacity, stop reading from the transport until it
    /// has room, pushing back on the peer.
    /// </summary>
    Wait = 0,

    /// <summary>Answer the request at once with the JSON-RPC error <see cref="JsonRpc.JsonRpcErrorCodes.ServerBusy"/>.</summary>
    Reject = 1,
}
