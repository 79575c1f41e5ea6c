using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// The successful response to a request sent with <see cref="JsonRpcConnection.SendRequestAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>:
/// the raw JSON of its <c>result</c>, held in a pooled buffer. Dispose it exactly once, after the last read of <see cref="Result"/>.
/// </summary>
public readonly struct JsonRpcResponse : IDisposable
{
    private readonly byte[]? _buffer;
    private readonly int _length;

    internal JsonRpcResponse(JsonRpcId id, byte[]? buffer, int length)
    {
        Id = id;
        _buffer = buffer;
        _length = length;
    }

    /// <summary>Gets the id of the request this answers.</summary>
    public JsonRpcId Id { get; }

    /// <summary>Gets the raw JSON of the <c>result</c> member.</summary>
    public ReadOnlyMemory<byte> Result => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    /// <summary>Deserializes the result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="typeInfo">Its JSON contract.</param>
    /// <returns>The result.</returns>
    public T? Deserialize<T>(JsonTypeInfo<T> typeInfo) => JsonSerializer.Deserialize(Result.Span, typeInfo);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
