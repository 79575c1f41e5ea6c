using Code.Core.Configuration;

namespace Code.Core.Messaging.Envelope;

/// <summary>Size limits and compression of the binary envelope.</summary>
public sealed class MessageEnvelopeOptions
{
    /// <summary>Gets or sets the largest payload, in bytes (before compression), an envelope may carry.</summary>
    /// <value>The default value is 1048576 (1 MiB), the default of <c>memory.max_message_size</c>.</value>
    public int MaxMessageSize { get; set; } = MessagingDefaults.MaxMessageSize;

    /// <summary>Gets or sets the payload size, in bytes, above which the payload is LZ4-compressed.</summary>
    /// <value>The default value is 1024, the default of <c>persistence.compression_threshold</c>.</value>
    public int CompressionThreshold { get; set; } = EnvelopeDefaults.CompressionThreshold;

    /// <summary>Gets or sets a value indicating whether payloads above the threshold are compressed.</summary>
    /// <value>The default value is <see langword="true"/> (<c>persistence.compression = "lz4"</c>).</value>
    public bool Compress { get; set; } = true;

    /// <summary>Gets or sets the largest total size, in bytes, of an envelope's metadata keys and values.</summary>
    /// <value>The default value is 65536.</value>
    public int MaxMetadataSize { get; set; } = EnvelopeDefaults.MaxMetadataSize;

    /// <summary>Derives envelope settings from a host's options.</summary>
    /// <param name="options">The host's validated options.</param>
    /// <returns>New envelope options.</returns>
    public static MessageEnvelopeOptions FromCodeOptions(CodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new MessageEnvelopeOptions
        {
            MaxMessageSize = options.Memory.MaxMessageSize,
            CompressionThreshold = options.Persistence.CompressionThreshold,
            Compress = string.Equals(options.Persistence.Compression, CompressionNames.Lz4, StringComparison.Ordinal),
        };
    }
}

/// <summary>Defaults of <see cref="MessageEnvelopeOptions"/>.</summary>
internal static class EnvelopeDefaults
{
    public const int CompressionThreshold = 1024;
    public const int MaxMetadataSize = 64 * 1024;
    public const int LengthPrefixSize = 4;

    /// <summary>Bytes an envelope may add around its payload and metadata: field tags, lengths, timestamp, type.</summary>
    public const int EnvelopeOverhead = 4096;
}
