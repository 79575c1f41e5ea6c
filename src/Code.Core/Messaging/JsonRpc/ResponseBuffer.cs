using System.Buffers;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// The pooled holder of one response's result bytes, shared by every copy of its <see cref="JsonRpcResponse"/>. Each
/// use has a version: the first <see cref="Release"/> of that version returns the bytes to the pool and the holder to its
/// connection, and any later release or read through a copy of the same response is a no-op (reads see no bytes).
/// </summary>
internal sealed class ResponseBuffer
{
    private readonly Action<ResponseBuffer> _return;
    private byte[]? _buffer;
    private int _length;
    private int _version;

    public ResponseBuffer(Action<ResponseBuffer> returnToPool)
    {
        _return = returnToPool;
    }

    /// <summary>Takes ownership of a rented buffer; returns the version that reads and the release must name.</summary>
    public int Hold(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
        return Volatile.Read(ref _version);
    }

    public ReadOnlyMemory<byte> Read(int version)
    {
        byte[]? buffer = _buffer;
        return buffer is not null && Volatile.Read(ref _version) == version ? buffer.AsMemory(0, _length) : ReadOnlyMemory<byte>.Empty;
    }

    public void Release(int version)
    {
        if (Interlocked.CompareExchange(ref _version, version + 1, version) != version)
        {
            return;
        }

        byte[]? buffer = _buffer;
        _buffer = null;
        _length = 0;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _return(this);
    }
}
