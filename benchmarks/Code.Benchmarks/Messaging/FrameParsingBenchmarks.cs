using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Code.Core.Messaging;
using Code.Core.Messaging.Framing;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Code.Benchmarks.Messaging;

/// <summary>
/// Frame parsing on one core: newline framing plus the JSON-RPC envelope (jsonrpc, id, method eagerly; params as a
/// slice) over a multi-segment buffer of MCP tools/call requests, against the SDK's per-message deserialization of
/// the same bytes into its JsonRpcMessage. One operation is one message.
/// </summary>
[MemoryDiagnoser]
public class FrameParsingBenchmarks
{
    private const int Messages = 1000;
    private readonly JsonRpcRouter _router = new JsonRpcRouter().Map("tools/call", static _ => ValueTask.CompletedTask);
    private ReadOnlySequence<byte> _stream;
    private byte[][] _lines = [];
    private readonly byte[] _scratch = new byte[MessagingDefaults.FrameScratchSize];

    /// <summary>Gets or sets the request shape: ~100 B (2025-11-25) or ~290 B (2026-07-28 with _meta).</summary>
    [Params("100B", "290B")]
    public string Size { get; set; } = "100B";

    [GlobalSetup]
    public void Setup()
    {
        string message = Size == "100B" ? McpWireSamples.SmallToolCall : McpWireSamples.LargeToolCall;
        byte[] all = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(message + "\n", Messages)));
        _stream = Segments(all, 4096);
        _lines = [.. Enumerable.Repeat(Encoding.UTF8.GetBytes(message), Messages)];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public int SdkDeserializeMessage()
    {
        int requests = 0;
        foreach (byte[] line in _lines)
        {
            if (JsonSerializer.Deserialize<JsonRpcMessage>(line, McpJsonUtilities.DefaultOptions) is JsonRpcRequest)
            {
                requests++;
            }
        }

        return requests;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int EngineFrameAndParse()
    {
        var frames = new FrameReader(MessageFraming.NewlineDelimited, 1 << 20);
        ReadOnlySequence<byte> buffer = _stream;
        int requests = 0;
        while (frames.TryRead(ref buffer, out ReadOnlySequence<byte> frame, out _))
        {
            Utf8JsonReader reader = JsonRpcMessageParser.CreateReader(frame, _scratch);
            reader.Read();
            JsonRpcMessageParser.ParseObject(ref reader, _router, "notifications/cancelled"u8, out ParsedMessage message);
            if (message.IsRequest && message.Route is not null)
            {
                requests++;
            }
        }

        return requests;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int EngineParseOnly()
    {
        int requests = 0;
        foreach (byte[] line in _lines)
        {
            var reader = new Utf8JsonReader(line);
            reader.Read();
            JsonRpcMessageParser.ParseObject(ref reader, _router, "notifications/cancelled"u8, out ParsedMessage message);
            if (message.IsRequest && message.Route is not null)
            {
                requests++;
            }
        }

        return requests;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int EngineFrameOnly()
    {
        var frames = new FrameReader(MessageFraming.NewlineDelimited, 1 << 20);
        ReadOnlySequence<byte> buffer = _stream;
        int requests = 0;
        while (frames.TryRead(ref buffer, out ReadOnlySequence<byte> frame, out _))
        {
            requests++;
        }

        return requests;
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        Segment? first = null, last = null;
        for (int offset = 0; offset < bytes.Length; offset += size)
        {
            var segment = new Segment(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)), offset);
            if (first is null)
            {
                first = segment;
            }
            else
            {
                last!.Next = segment;
            }

            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public new Segment? Next
        {
            get => (Segment?)base.Next;
            set => base.Next = value;
        }
    }
}
