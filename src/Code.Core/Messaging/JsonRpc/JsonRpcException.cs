namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// A JSON-RPC error. Thrown by a handler, it becomes the error response with its code and message;
/// thrown by <see cref="JsonRpcConnection.SendRequestAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>, it is the peer's error.
/// </summary>
public sealed class JsonRpcException : Exception
{
    /// <summary>Initializes a new instance with an internal-error code.</summary>
    public JsonRpcException()
        : this(JsonRpcErrorCodes.InternalError, "Internal error.")
    {
    }

    /// <summary>Initializes a new instance with an internal-error code.</summary>
    /// <param name="message">The error message.</param>
    public JsonRpcException(string message)
        : this(JsonRpcErrorCodes.InternalError, message)
    {
    }

    /// <summary>Initializes a new instance with an internal-error code.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The cause.</param>
    public JsonRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = JsonRpcErrorCodes.InternalError;
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="code">The JSON-RPC error code.</param>
    /// <param name="message">The error message.</param>
    /// <param name="data">The error's <c>data</c> member as JSON text, if any.</param>
    public JsonRpcException(int code, string message, string? data = null)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    /// <summary>Gets the JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>Gets the error's <c>data</c> member as JSON text, or <see langword="null"/>.</summary>
    public string? ErrorData { get; }
}
