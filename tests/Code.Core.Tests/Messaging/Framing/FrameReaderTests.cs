using System.Buffers;
using System.Text;
using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.Framing;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;

namespace Code.Core.Tests.Messaging.Framing;

public sealed class FrameReaderTests
{
    private const string First = "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"method\":\"tools/call\",\"params\":{\"name\":\"\u00e9\u4e2d\ud83d\ude00\",\"arguments\":{\"x\":[1,2,{\"y\":null}]}}}";
    private const string Second = "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"ping\"}";

    public static TheoryData<MessageFraming> Framings => new() { MessageFraming.NewlineDelimited, MessageFraming.ContentLength };

    [Theory]
    [MemberData(nameof(Framings))]
    public void Messages_split_at_every_byte_boundary_parse_the_same(MessageFraming framing)
    {
        byte[] bytes = Frame(framing, First, Second);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            AssertParses(framing, SegmentedSequence.Split(bytes, cut), $"cut at {cut}");
        }

        for (int cut = 1; cut < bytes.Length - 7; cut += 7)
        {
            AssertParses(framing, SegmentedSequence.Split(bytes, cut, cut + 3, cut + 4), $"cuts at {cut}, {cut + 3}, {cut + 4}");
        }

        AssertParses(framing, SegmentedSequence.EveryByte(bytes), "one byte per segment");
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public void Incremental_arrival_yields_each_frame_once_complete(MessageFraming framing)
    {
        byte[] bytes = Frame(framing, First, Second);
        var reader = new FrameReader(framing, 4096);
        var frames = new List<string>();
        int consumed = 0;
        for (int available = 1; available <= bytes.Length; available++)
        {
            var buffer = SegmentedSequence.EveryByte(bytes[consumed..available]);
            while (reader.TryRead(ref buffer, out ReadOnlySequence<byte> frame, out FrameStatus status))
            {
                Assert.Equal(FrameStatus.Message, status);
                frames.Add(Encoding.UTF8.GetString(frame));
            }

            // Like a PipeReader: consumed up to what the reader advanced past.
            consumed = available - (int)buffer.Length;
        }

        Assert.Equal([First, Second], frames);
    }

    [Fact]
    public void Blank_lines_and_crlf_are_ignored()
    {
        var reader = new FrameReader(MessageFraming.NewlineDelimited, 4096);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("\n\r\n  \n" + Second + "\r\n\n"));
        Assert.True(reader.TryRead(ref buffer, out ReadOnlySequence<byte> frame, out _));
        Assert.Equal(Second, Encoding.UTF8.GetString(frame));
        Assert.False(reader.TryRead(ref buffer, out _, out _));
    }

    [Fact]
    public void Hostile_content_length_values_are_refused_without_allocation_of_their_size()
    {
        var reader = new FrameReader(MessageFraming.ContentLength, 1024);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("Content-Length: 9223372036854775807\r\n\r\n{\"id\":5,\"method\""));
        Assert.True(reader.TryRead(ref buffer, out ReadOnlySequence<byte> prefix, out FrameStatus status));
        Assert.Equal(FrameStatus.Oversize, status);
        Assert.Equal(5, OversizeIdProbe.FindId(prefix).Number);

        var negative = new FrameReader(MessageFraming.ContentLength, 1024);
        buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("Content-Length: -5\r\n\r\n"));
        Assert.True(negative.TryRead(ref buffer, out _, out status));
        Assert.Equal(FrameStatus.Malformed, status);

        var endless = new FrameReader(MessageFraming.ContentLength, 1024);
        buffer = new ReadOnlySequence<byte>(new byte[20_000]);
        Assert.True(endless.TryRead(ref buffer, out _, out status));
        Assert.Equal(FrameStatus.Malformed, status);
        Assert.True(buffer.IsEmpty);
    }

    private static void AssertParses(MessageFraming framing, ReadOnlySequence<byte> buffer, string because)
    {
        var router = new JsonRpcRouter().Map("tools/call", static _ => ValueTask.CompletedTask).Map("ping", static _ => ValueTask.CompletedTask);
        var reader = new FrameReader(framing, 4096);
        var parsed = new List<(JsonRpcId Id, string Method, string Params)>();
        while (reader.TryRead(ref buffer, out ReadOnlySequence<byte> frame, out FrameStatus status))
        {
            Assert.Equal(FrameStatus.Message, status);
            // The same frame read over its span or a scratch copy (when it straddles segments) and over the sequence
            // (no scratch) gives the same message, with params offsets into the frame.
            var parsedWays = new List<(JsonRpcId Id, string Method, string Params)>();
            foreach (int scratchSize in new[] { 4096, 0 })
            {
                Utf8JsonReader json = JsonRpcMessageParser.CreateReader(frame, new byte[scratchSize]);
                json.Read();
                JsonRpcMessageParser.ParseObject(ref json, router, "notifications/cancelled"u8, out ParsedMessage message);
                Assert.False(json.Read(), because);
                Assert.Equal(MessageProblem.None, message.Problem);
                string parameters = message.ParamsLength > 0 ? Encoding.UTF8.GetString(frame.Slice(message.ParamsStart, message.ParamsLength)) : "";
                parsedWays.Add((message.Id, message.Route!.Method, parameters));
            }

            Assert.Equal(parsedWays[0], parsedWays[1]);
            parsed.Add(parsedWays[0]);
        }

        Assert.True(buffer.IsEmpty, because);
        Assert.Equal(2, parsed.Count);
        Assert.Equal(JsonRpcId.FromString("a\"b"), parsed[0].Id);
        Assert.Equal("tools/call", parsed[0].Method);
        Assert.Equal("{\"name\":\"\u00e9\u4e2d\ud83d\ude00\",\"arguments\":{\"x\":[1,2,{\"y\":null}]}}", parsed[0].Params);
        Assert.Equal(JsonRpcId.FromNumber(42), parsed[1].Id);
        Assert.Equal("ping", parsed[1].Method);
    }

    private static byte[] Frame(MessageFraming framing, params string[] messages)
    {
        var text = new StringBuilder();
        foreach (string message in messages)
        {
            if (framing == MessageFraming.NewlineDelimited)
            {
                text.Append(message).Append('\n');
            }
            else
            {
                text.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(message)).Append("\r\n\r\n").Append(message);
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
