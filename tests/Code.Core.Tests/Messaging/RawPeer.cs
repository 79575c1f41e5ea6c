using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.Routing;
using Code.Core.Messaging.Transports;

namespace Code.Core.Tests.Messaging;

/// <summary>
/// The far end of a connection under test, speaking raw bytes: it writes frames exactly as given and reads the
/// engine's replies line by line (or Content-Length frame by frame).
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);
    private readonly IDuplexPipe _pipe;
    private readonly MessageFraming _framing;

    private RawPeer(IDuplexPipe pipe, JsonRpcConnection connection, MessageFraming framing)
    {
        _pipe = pipe;
        Connection = connection;
        _framing = framing;
    }

    public JsonRpcConnection Connection { get; }

    public static RawPeer Start(JsonRpcRouter router, MessagingOptions? options = null, TimeProvider? timeProvider = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        var (client, server) = MessageTransports.CreatePipePair();
        var connection = new JsonRpcConnection(server, router, options, timeProvider, meterFactory: meterFactory);
        connection.Start();
        return new RawPeer(client, connection, options?.Framing ?? MessageFraming.NewlineDelimited);
    }

    /// <summary>Wraps a connection the test created itself (its far end is <paramref name="pipe"/>) and starts it.</summary>
    public static RawPeer Attach(IDuplexPipe pipe, JsonRpcConnection connection, MessageFraming framing = MessageFraming.NewlineDelimited)
    {
        connection.Start();
        return new RawPeer(pipe, connection, framing);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _pipe.Output.WriteAsync(bytes);
    }

    /// <summary>Sends a message framed as the connection expects.</summary>
    public Task SendMessageAsync(string json) => _framing == MessageFraming.NewlineDelimited
        ? SendAsync(json + "\n")
        : SendAsync($"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}");

    public async Task<JsonElement> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        while (true)
        {
            ReadResult result = await _pipe.Input.ReadAsync(timeout.Token);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (TryTakeFrame(ref buffer, out string? text))
            {
                _pipe.Input.AdvanceTo(buffer.Start);
                return JsonDocument.Parse(text!).RootElement.Clone();
            }

            _pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("The connection closed its output.");
            }
        }
    }

    /// <summary>Reads until the output completes; returns every message left.</summary>
    public async Task<List<JsonElement>> ReadToEndAsync()
    {
        var messages = new List<JsonElement>();
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        while (true)
        {
            ReadResult result = await _pipe.Input.ReadAsync(timeout.Token);
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (TryTakeFrame(ref buffer, out string? text))
            {
                messages.Add(JsonDocument.Parse(text!).RootElement.Clone());
            }

            _pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return messages;
            }
        }
    }

    public async Task CompleteOutputAsync() => await _pipe.Output.CompleteAsync();

    public async ValueTask DisposeAsync()
    {
        await _pipe.Output.CompleteAsync();
        await Connection.DisposeAsync();
        await _pipe.Input.CompleteAsync();
    }

    private bool TryTakeFrame(ref ReadOnlySequence<byte> buffer, out string? text)
    {
        text = null;
        if (_framing == MessageFraming.NewlineDelimited)
        {
            SequencePosition? newline = buffer.PositionOf((byte)'\n');
            if (newline is null)
            {
                return false;
            }

            text = Encoding.UTF8.GetString(buffer.Slice(0, newline.Value));
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            return true;
        }

        string all = Encoding.UTF8.GetString(buffer);
        int end = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        int length = int.Parse(all["Content-Length: ".Length..end], System.Globalization.CultureInfo.InvariantCulture);
        long headerBytes = end + 4;
        if (buffer.Length < headerBytes + length)
        {
            return false;
        }

        text = Encoding.UTF8.GetString(buffer.Slice(headerBytes, length));
        buffer = buffer.Slice(headerBytes + length);
        return true;
    }
}
