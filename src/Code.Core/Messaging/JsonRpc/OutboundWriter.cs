using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text.Json;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// Writes framed messages into the transport's <see cref="PipeWriter"/>. Each message is serialized by one reused
/// <see cref="Utf8JsonWriter"/> into a reused buffer first and copied to the pipe only when complete, so a serializer that
/// throws leaves nothing on the wire: the exception goes to the caller and the output stays usable.
/// Writers take turns on an async lock; a write skips its flush when another writer is already waiting (that one
/// will flush), so concurrent completions coalesce into fewer flushes. The read loop writes without flushing and
/// flushes once per buffer it processed.
/// </summary>
internal sealed class OutboundWriter : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };
    private const int InitialBodySize = 1024;
    private const int MaxRetainedBodySize = 256 * 1024;

    private readonly PipeWriter _pipe;
    private readonly MessageFraming _framing;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Utf8JsonWriter _json;
    private ArrayBufferWriter<byte> _body = new(InitialBodySize);
    private int _waiting;
    private bool _unflushed;
    private volatile bool _closed;

    public OutboundWriter(PipeWriter pipe, MessageFraming framing)
    {
        _pipe = pipe;
        _framing = framing;
        _json = new Utf8JsonWriter(_body, WriterOptions);
    }

    /// <summary>Gets a value indicating whether the transport refused a write (the peer is gone).</summary>
    public bool IsClosed => _closed;

    /// <summary>Gets the number of messages written.</summary>
    public long MessagesWritten { get; private set; }

    public ValueTask WriteAsync<T>(T message, bool flush)
        where T : struct, IOutboundMessage
    {
        if (_closed)
        {
            return default;
        }

        Interlocked.Increment(ref _waiting);
        return _lock.Wait(0) ? WriteLocked(message, flush) : WriteSlowAsync(message, flush);
    }

    /// <summary>Flushes what writes without a flush left behind.</summary>
    public ValueTask FlushAsync()
    {
        if (!Volatile.Read(ref _unflushed) || _closed)
        {
            return default;
        }

        Interlocked.Increment(ref _waiting);
        return _lock.Wait(0) ? FlushLocked() : FlushSlowAsync();
    }

    public void Dispose()
    {
        _json.Dispose();
        _lock.Dispose();
    }

    public async ValueTask CompleteAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_closed)
            {
                if (_unflushed)
                {
                    await _pipe.FlushAsync().ConfigureAwait(false);
                }

                _closed = true;
                await _pipe.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException)
        {
            _closed = true;
        }
        finally
        {
            _lock.Release();
        }
    }

    private ValueTask WriteLocked<T>(T message, bool flush)
        where T : struct, IOutboundMessage
    {
        int othersWaiting = Interlocked.Decrement(ref _waiting);
        if (_closed)
        {
            _lock.Release();
            return default;
        }

        try
        {
            Serialize(message);
        }
        catch
        {
            // Nothing reached the pipe: the caller gets the serializer's exception and the output stays usable.
            _lock.Release();
            throw;
        }

        bool release = true;
        try
        {
            WriteFrame();
            MessagesWritten++;
            if (!flush || othersWaiting > 0)
            {
                _unflushed = true;
                return default;
            }

            _unflushed = false;
            ValueTask<FlushResult> pending = _pipe.FlushAsync();
            if (pending.IsCompletedSuccessfully)
            {
                _ = pending.Result;
                return default;
            }

            release = false;
            return AwaitFlushAsync(pending);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException)
        {
            _closed = true;
            return default;
        }
        finally
        {
            if (release)
            {
                _lock.Release();
            }
        }
    }

    private async ValueTask WriteSlowAsync<T>(T message, bool flush)
        where T : struct, IOutboundMessage
    {
        // A write that had to wait always flushes (unless another writer waits behind it): the flush the read loop
        // asked for may already have run while this write was still queued.
        _ = flush;
        await _lock.WaitAsync().ConfigureAwait(false);
        await WriteLocked(message, flush: true).ConfigureAwait(false);
    }

    private ValueTask FlushLocked()
    {
        Interlocked.Decrement(ref _waiting);
        if (!_unflushed || _closed)
        {
            _lock.Release();
            return default;
        }

        _unflushed = false;
        try
        {
            ValueTask<FlushResult> pending = _pipe.FlushAsync();
            if (pending.IsCompletedSuccessfully)
            {
                _ = pending.Result;
                _lock.Release();
                return default;
            }

            return AwaitFlushAsync(pending);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException)
        {
            _closed = true;
            _lock.Release();
            return default;
        }
    }

    private async ValueTask FlushSlowAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        await FlushLocked().ConfigureAwait(false);
    }

    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _closed = true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Serializes a message into the body buffer; on failure the buffer is dropped and the exception rethrown.</summary>
    private void Serialize<T>(T message)
        where T : struct, IOutboundMessage
    {
        _body.ResetWrittenCount();
        _json.Reset(_body);
        try
        {
            message.Write(_json);
            _json.Flush();
        }
        catch
        {
            _json.Reset(_body);
            _body.ResetWrittenCount();
            throw;
        }
    }

    /// <summary>Copies the serialized message to the pipe with its framing.</summary>
    private void WriteFrame()
    {
        if (_framing == MessageFraming.NewlineDelimited)
        {
            int size = _body.WrittenCount;
            Span<byte> target = _pipe.GetSpan(size + 1);
            _body.WrittenSpan.CopyTo(target);
            target[size] = (byte)'\n';
            _pipe.Advance(size + 1);
            ShrinkBody();
            return;
        }

        ReadOnlySpan<byte> prefix = "Content-Length: "u8;
        Span<byte> header = _pipe.GetSpan(prefix.Length + 24);
        prefix.CopyTo(header);
        Utf8Formatter.TryFormat(_body.WrittenCount, header[prefix.Length..], out int digits);
        int length = prefix.Length + digits;
        "\r\n\r\n"u8.CopyTo(header[length..]);
        _pipe.Advance(length + 4);
        _pipe.Write(_body.WrittenSpan);
        ShrinkBody();
    }

    /// <summary>Keeps the reused buffer small: one large message should not pin its memory for the connection's lifetime.</summary>
    private void ShrinkBody()
    {
        if (_body.Capacity > MaxRetainedBodySize)
        {
            _body = new ArrayBufferWriter<byte>(InitialBodySize);
        }
    }
}
