using System.Buffers;
using System.Buffers.Binary;
using Code.Core.Persistence.Protos;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using K4os.Compression.LZ4;

namespace Code.Core.Messaging.Envelope;

/// <summary>
/// Reads and writes the binary envelope of host-to-host traffic: a 4-byte little-endian length, then the protobuf
/// <see cref="MCPMessage"/> (timestamp, type, payload, metadata), its payload LZ4-compressed above a size threshold.
/// Every length read from the wire is checked against the configured limits before anything is allocated, so a hostile
/// peer cannot make the reader buffer or decompress more than <see cref="MessageEnvelopeOptions.MaxMessageSize"/>.
/// </summary>
public sealed class MessageEnvelopeCodec
{
    private readonly MessageEnvelopeOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly long _maxEnvelopeSize;

    /// <summary>Initializes a new codec.</summary>
    /// <param name="options">Limits and compression; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock stamping written envelopes; <see langword="null"/> for the system clock.</param>
    public MessageEnvelopeCodec(MessageEnvelopeOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new MessageEnvelopeOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxMessageSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.CompressionThreshold, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxMetadataSize, nameof(options));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _maxEnvelopeSize = (long)_options.MaxMessageSize + _options.MaxMetadataSize + EnvelopeDefaults.EnvelopeOverhead;
    }

    /// <summary>Writes one length-prefixed envelope.</summary>
    /// <param name="output">Where to write, for example a <see cref="System.IO.Pipelines.PipeWriter"/>.</param>
    /// <param name="payload">The message bytes.</param>
    /// <param name="messageType">The message's type.</param>
    /// <param name="metadata">Pairs to carry along, or <see langword="null"/>.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The payload or metadata is larger than the limits.</exception>
    public int Write(IBufferWriter<byte> output, ReadOnlySpan<byte> payload, string messageType, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(messageType);
        if (payload.Length > _options.MaxMessageSize)
        {
            throw new ArgumentException($"The payload is {payload.Length} bytes; the limit is {_options.MaxMessageSize} (memory.max_message_size).", nameof(payload));
        }

        var message = new MCPMessage
        {
            Timestamp = Timestamp.FromDateTimeOffset(_timeProvider.GetUtcNow()),
            MessageType = messageType,
        };

        if (metadata is not null)
        {
            long metadataSize = 0;
            foreach (KeyValuePair<string, string> pair in metadata)
            {
                metadataSize += pair.Key.Length + (long)pair.Value.Length;
                message.Metadata.Add(pair.Key, pair.Value);
            }

            if (metadataSize > _options.MaxMetadataSize)
            {
                throw new ArgumentException($"The metadata holds {metadataSize} characters; the limit is {_options.MaxMetadataSize}.", nameof(metadata));
            }
        }

        message.Payload = Encode(payload, out PayloadCompression compression, out int uncompressedLength);
        message.Compression = compression;
        message.UncompressedLength = uncompressedLength;

        int size = message.CalculateSize();
        Span<byte> span = output.GetSpan(EnvelopeDefaults.LengthPrefixSize + size);
        BinaryPrimitives.WriteInt32LittleEndian(span, size);
        message.WriteTo(span.Slice(EnvelopeDefaults.LengthPrefixSize, size));
        output.Advance(EnvelopeDefaults.LengthPrefixSize + size);
        return EnvelopeDefaults.LengthPrefixSize + size;
    }

    /// <summary>Reads one envelope from the front of <paramref name="buffer"/>, which is advanced past it.</summary>
    /// <param name="buffer">Bytes received so far.</param>
    /// <param name="envelope">The decoded envelope.</param>
    /// <returns><see langword="false"/> when the buffer does not yet hold a whole envelope.</returns>
    /// <exception cref="InvalidDataException">
    /// The bytes are not a valid envelope or exceed the limits; the stream cannot be resynchronized and should be closed.
    /// </exception>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out MessageEnvelope? envelope)
    {
        envelope = null;
        if (buffer.Length < EnvelopeDefaults.LengthPrefixSize)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[EnvelopeDefaults.LengthPrefixSize];
        buffer.Slice(0, EnvelopeDefaults.LengthPrefixSize).CopyTo(prefix);
        int length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length < 0 || length > _maxEnvelopeSize)
        {
            throw new InvalidDataException($"Envelope length {(uint)length} is outside 0..{_maxEnvelopeSize} bytes (memory.max_message_size plus metadata and overhead).");
        }

        if (buffer.Length < EnvelopeDefaults.LengthPrefixSize + (long)length)
        {
            return false;
        }

        ReadOnlySequence<byte> body = buffer.Slice(EnvelopeDefaults.LengthPrefixSize, length);
        MCPMessage message;
        try
        {
            message = MCPMessage.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"The envelope's {length} bytes are not a valid MCPMessage: {ex.Message}", ex);
        }

        envelope = new MessageEnvelope(
            message.Timestamp?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch,
            message.MessageType,
            Decode(message),
            message.Metadata);
        buffer = buffer.Slice(EnvelopeDefaults.LengthPrefixSize + (long)length);
        return true;
    }

    private ByteString Encode(ReadOnlySpan<byte> payload, out PayloadCompression compression, out int uncompressedLength)
    {
        if (_options.Compress && payload.Length > _options.CompressionThreshold)
        {
            byte[] compressed = new byte[LZ4Codec.MaximumOutputSize(payload.Length)];
            int written = LZ4Codec.Encode(payload, compressed, LZ4Level.L00_FAST);
            if (written > 0 && written < payload.Length)
            {
                compression = PayloadCompression.Lz4;
                uncompressedLength = payload.Length;
                return UnsafeByteOperations.UnsafeWrap(compressed.AsMemory(0, written));
            }
        }

        // Small or incompressible: stored as is.
        compression = PayloadCompression.None;
        uncompressedLength = 0;
        return ByteString.CopyFrom(payload);
    }

    private ReadOnlyMemory<byte> Decode(MCPMessage message)
    {
        ReadOnlySpan<byte> payload = message.Payload.Span;
        switch (message.Compression)
        {
            case PayloadCompression.None:
                if (payload.Length > _options.MaxMessageSize)
                {
                    throw new InvalidDataException($"The envelope's payload is {payload.Length} bytes; the limit is {_options.MaxMessageSize} (memory.max_message_size).");
                }

                if (message.UncompressedLength != 0 && message.UncompressedLength != payload.Length)
                {
                    throw new InvalidDataException($"The envelope says its uncompressed payload has {message.UncompressedLength} bytes but carries {payload.Length}.");
                }

                return message.Payload.Memory;

            case PayloadCompression.Lz4:
                int length = message.UncompressedLength;
                if (length <= 0 || length > _options.MaxMessageSize)
                {
                    throw new InvalidDataException($"The envelope's uncompressed length {length} is outside 1..{_options.MaxMessageSize} bytes (memory.max_message_size).");
                }

                byte[] decoded = new byte[length];
                int written = LZ4Codec.Decode(payload, decoded);
                if (written != length)
                {
                    throw new InvalidDataException($"The envelope's LZ4 payload is corrupt: it decoded to {(written < 0 ? "an error" : written + " bytes")}, not the declared {length}.");
                }

                return decoded;

            default:
                throw new InvalidDataException($"The envelope uses an unknown compression ({(int)message.Compression}).");
        }
    }
}
