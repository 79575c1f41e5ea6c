namespace Code.Core.Messaging.JsonRpc;

/// <summary>The error codes of JSON-RPC 2.0 and the engine's own server errors.</summary>
public static class JsonRpcErrorCodes
{
    /// <summary>Invalid JSON was received.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON sent is not a valid request object.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The method does not exist or is not available.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Invalid method parameters.</summary>
    public const int InvalidParams = -32602;

    /// <summary>Internal error, including a handler that threw.</summary>
    public const int InternalError = -32603;

    /// <summary>The request was cancelled by the peer (LSP's <c>RequestCancelled</c>; sent when the cancellation method is <c>$/cancelRequest</c>).</summary>
    public const int RequestCancelled = -32800;

    /// <summary>The server is busy: the request's lane queue is full and its policy rejects (server-defined range).</summary>
    public const int ServerBusy = -32000;

    /// <summary>The message is larger than the configured maximum and was skipped (server-defined range).</summary>
    public const int MessageTooLarge = -32001;

    /// <summary>The connection is shutting down and no longer accepts requests (server-defined range).</summary>
    public const int ShuttingDown = -32002;
}
