using System.Buffers;
using System.Text.Json;

namespace Code.Core.Messaging.Routing;

/// <summary>
/// Collects the responses of one JSON-RPC batch and sends them as one array once every member is done;
/// a batch of notifications only sends nothing.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The writer targets a managed buffer and holds no resources.")]
internal sealed class BatchResponse
{
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;
    private readonly ArrayBufferWriter<byte> _member = new(256);
    private readonly Utf8JsonWriter _memberWriter;
    private int _pending = 1;
    private int _count;

    public BatchResponse()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _writer.WriteStartArray();
        _memberWriter = new Utf8JsonWriter(_member, new JsonWriterOptions { SkipValidation = true });
    }

    public int Count => _count;

    /// <summary>Registers a member whose response is still to come.</summary>
    public void AddPending() => Interlocked.Increment(ref _pending);

    /// <summary>Adds one response, written by <paramref name="write"/>; if it throws, nothing of it is added.</summary>
    public void Append<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        lock (_gate)
        {
            _member.ResetWrittenCount();
            _memberWriter.Reset(_member);
            write(_memberWriter, state);
            _memberWriter.Flush();
            _writer.WriteRawValue(_member.WrittenSpan, skipInputValidation: true);
            _count++;
        }
    }

    /// <summary>Marks one member (or the parser's own hold) done.</summary>
    /// <returns>The array to send when this was the last, otherwise an empty buffer.</returns>
    public ReadOnlyMemory<byte> Complete()
    {
        if (Interlocked.Decrement(ref _pending) != 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        lock (_gate)
        {
            if (_count == 0)
            {
                return ReadOnlyMemory<byte>.Empty;
            }

            _writer.WriteEndArray();
            _writer.Flush();
            return _buffer.WrittenMemory;
        }
    }
}
