using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// The successful response to a request sent with <see cref="JsonRpcConnection.SendRequestAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>:
/// the raw JSON of its <c>result</c>, held in a pooled buffer. Dispose it after the last read of <see cref="Result"/>; the
/// first dispose (of this value or of any copy) returns the buffer, later ones do nothing, and a disposed response reads
/// as empty.
/// </summary>
public readonly struct JsonRpcResponse : IDisposable
{
    private readonly ResponseBuffer? _buffer;
    private readonly int _version;

    internal JsonRpcResponse(JsonRpcId id, ResponseBuffer? buffer, int version)
    {
        Id = id;
        _buffer = buffer;
        _version = version;
    }

    /// <summary>Gets the id of the request this answers.</summary>
    public JsonRpcId Id { get; }

    /// <summary>Gets the raw JSON of the <c>result</c> member; empty once the response is disposed.</summary>
    public ReadOnlyMemory<byte> Result => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.Read(_version);

    /// <summary>Deserializes the result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="typeInfo">Its JSON contract.</param>
    /// <returns>The result.</returns>
    public T? Deserialize<T>(JsonTypeInfo<T> typeInfo) => JsonSerializer.Deserialize(Result.Span, typeInfo);

    /// <summary>Returns the buffer to the pool; only the first call of this response (or of a copy) does.</summary>
    public void Dispose() => _buffer?.Release(_version);
}
