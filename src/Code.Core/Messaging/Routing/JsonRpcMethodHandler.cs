namespace Code.Core.Messaging.Routing;

/// <summary>
/// Handles one request or notification. Read the params from <see cref="JsonRpcRequestContext.Params"/>,
/// write the result with <see cref="JsonRpcRequestContext.SetResult{T}"/> or <see cref="JsonRpcRequestContext.ResultWriter"/>,
/// observe <see cref="JsonRpcRequestContext.CancellationToken"/>; throw <see cref="JsonRpc.JsonRpcException"/> for a
/// JSON-RPC error (any other exception becomes an internal error). The context is valid until the returned task completes.
/// </summary>
/// <param name="context">The request being handled.</param>
/// <returns>A task that completes when the handler is done.</returns>
public delegate ValueTask JsonRpcMethodHandler(JsonRpcRequestContext context);
