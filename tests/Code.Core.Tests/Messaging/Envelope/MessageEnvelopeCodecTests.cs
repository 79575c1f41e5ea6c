using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Code.Core.Messaging.Envelope;
using Code.Core.Persistence.Protos;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.Messaging.Envelope;

public sealed class MessageEnvelopeCodecTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 1, 2, 3, TimeSpan.Zero);

    private static MessageEnvelopeCodec Codec(int max = 1 << 20, int threshold = 1024) =>
        new(new MessageEnvelopeOptions { MaxMessageSize = max, CompressionThreshold = threshold }, new FakeTimeProvider(Now));

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(200_000)]
    public void Round_trips_payload_type_metadata_and_time(int size)
    {
        byte[] payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\"}", size / 30 + 1)))[..size];
        var output = new ArrayBufferWriter<byte>();
        int written = Codec().Write(output, payload, "request", new Dictionary<string, string> { ["tenant"] = "t1", ["trace"] = "abc" });
        Assert.Equal(output.WrittenCount, written);

        var buffer = SegmentedSequence.Split(output.WrittenSpan.ToArray(), 3, 7, written / 2);
        Assert.True(Codec().TryRead(ref buffer, out MessageEnvelope? envelope));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(payload, envelope!.Payload.ToArray());
        Assert.Equal("request", envelope.MessageType);
        Assert.Equal(Now, envelope.Timestamp);
        Assert.Equal("t1", envelope.Metadata["tenant"]);
        Assert.Equal("abc", envelope.Metadata["trace"]);
    }

    [Fact]
    public void Payload_above_the_threshold_is_lz4_compressed_and_below_it_is_not()
    {
        byte[] compressible = Encoding.UTF8.GetBytes(new string('a', 5000));
        Assert.Equal(PayloadCompression.Lz4, WriteAndInspect(Codec(threshold: 1024), compressible).Compression);
        Assert.Equal(PayloadCompression.None, WriteAndInspect(Codec(threshold: 8192), compressible).Compression);
        Assert.Equal(PayloadCompression.None, WriteAndInspect(new MessageEnvelopeCodec(new MessageEnvelopeOptions { Compress = false }), compressible).Compression);

        byte[] random = new byte[5000];
        new Random(7).NextBytes(random);
        Assert.Equal(PayloadCompression.None, WriteAndInspect(Codec(threshold: 1024), random).Compression);

        MCPMessage lz4 = WriteAndInspect(Codec(threshold: 1024), compressible);
        Assert.Equal(5000, lz4.UncompressedLength);
        Assert.True(lz4.Payload.Length < 500);
    }

    [Fact]
    public void Incomplete_buffers_wait_for_more_bytes()
    {
        var output = new ArrayBufferWriter<byte>();
        Codec().Write(output, "{\"id\":1}"u8, "request");
        byte[] bytes = output.WrittenSpan.ToArray();
        for (int length = 0; length < bytes.Length; length++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.False(Codec().TryRead(ref partial, out _));
            Assert.Equal(length, partial.Length);
        }
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    [InlineData(2_000_000)]
    public void Hostile_length_prefix_is_refused_before_buffering(int length)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, length);
        var buffer = new ReadOnlySequence<byte>(bytes);
        var error = Assert.Throws<InvalidDataException>(() => Codec(max: 1 << 20).TryRead(ref buffer, out _));
        Assert.Contains("length", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Hostile_uncompressed_length_is_refused_before_allocating()
    {
        var message = new MCPMessage { MessageType = "request", Compression = PayloadCompression.Lz4, UncompressedLength = int.MaxValue, Payload = ByteString.CopyFrom(new byte[16]) };
        var error = Assert.Throws<InvalidDataException>(() => Read(message));
        Assert.Contains("uncompressed length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_lz4_data_is_refused()
    {
        var message = new MCPMessage { MessageType = "request", Compression = PayloadCompression.Lz4, UncompressedLength = 1000, Payload = ByteString.CopyFrom(new byte[] { 0xFF, 0xFF, 0xFF, 1, 2, 3 }) };
        Assert.Throws<InvalidDataException>(() => Read(message));

        // Valid LZ4 that decodes to fewer bytes than declared.
        byte[] source = Encoding.UTF8.GetBytes(new string('b', 3000));
        byte[] compressed = new byte[K4os.Compression.LZ4.LZ4Codec.MaximumOutputSize(source.Length)];
        int n = K4os.Compression.LZ4.LZ4Codec.Encode(source, compressed);
        message = new MCPMessage { MessageType = "request", Compression = PayloadCompression.Lz4, UncompressedLength = 4000, Payload = ByteString.CopyFrom(compressed, 0, n) };
        Assert.Throws<InvalidDataException>(() => Read(message));
    }

    [Fact]
    public void Oversize_and_inconsistent_plain_payloads_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => Read(new MCPMessage { MessageType = "x", Payload = ByteString.CopyFrom(new byte[2000]) }, max: 1024));
        Assert.Throws<InvalidDataException>(() => Read(new MCPMessage { MessageType = "x", UncompressedLength = 5, Payload = ByteString.CopyFrom(new byte[10]) }));
        Assert.Throws<InvalidDataException>(() => Read(new MCPMessage { MessageType = "x", Compression = (PayloadCompression)9, Payload = ByteString.CopyFrom(new byte[10]) }));
        Assert.Throws<ArgumentException>(() => Codec(max: 1024).Write(new ArrayBufferWriter<byte>(), new byte[2000], "x"));
    }

    [Fact]
    public void Garbage_bytes_are_refused_as_invalid_data()
    {
        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            byte[] body = new byte[random.Next(1, 300)];
            random.NextBytes(body);
            byte[] bytes = new byte[4 + body.Length];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, body.Length);
            body.CopyTo(bytes, 4);
            var buffer = new ReadOnlySequence<byte>(bytes);
            try
            {
                Codec().TryRead(ref buffer, out _);
            }
            catch (InvalidDataException)
            {
                // The only acceptable failure.
            }
        }
    }

    private static MCPMessage WriteAndInspect(MessageEnvelopeCodec codec, byte[] payload)
    {
        var output = new ArrayBufferWriter<byte>();
        codec.Write(output, payload, "request");
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(Codec().TryRead(ref buffer, out MessageEnvelope? decoded));
        Assert.Equal(payload, decoded!.Payload.ToArray());
        return MCPMessage.Parser.ParseFrom(output.WrittenSpan[4..].ToArray());
    }

    private static MessageEnvelope? Read(MCPMessage message, int max = 1 << 20)
    {
        byte[] body = message.ToByteArray();
        byte[] bytes = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, body.Length);
        body.CopyTo(bytes, 4);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Codec(max: max).TryRead(ref buffer, out MessageEnvelope? envelope);
        return envelope;
    }
}
