using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using K4os.Compression.LZ4;

namespace Code.Core.Persistence;

/// <summary>
/// Turns a value into the bytes a durable store keeps at rest, and back: LZ4 above a size threshold,
/// then AES-GCM when the host supplied a key. The first byte says what was applied, so values written
/// with other settings stay readable; a value that fails authentication is an error, never garbage.
/// </summary>
/// <remarks>
/// Layout: <c>[flags]</c> then, when encrypted, <c>[12-byte nonce][16-byte tag][ciphertext]</c> whose
/// plaintext is the rest; when compressed, <c>[4-byte original length][LZ4 block]</c>; otherwise the
/// raw value. The key is the associated data of the encryption, so a value moved to another key fails.
/// </remarks>
internal sealed class StoredValueCodec
{
    private const byte Compressed = 0x01;
    private const byte Encrypted = 0x02;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly int _compressionThreshold;
    private readonly byte[]? _key;

    /// <param name="compressionThreshold">Values longer than this are LZ4-compressed; negative turns compression off.</param>
    /// <param name="encryptionKey">A 16, 24 or 32-byte AES key, or <see langword="null"/> to store values in the clear.</param>
    public StoredValueCodec(int compressionThreshold, ReadOnlySpan<byte> encryptionKey = default)
    {
        if (!encryptionKey.IsEmpty && encryptionKey.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"An AES-GCM key is 16, 24 or 32 bytes; got {encryptionKey.Length}."), nameof(encryptionKey));
        }

        _compressionThreshold = compressionThreshold;
        _key = encryptionKey.IsEmpty ? null : encryptionKey.ToArray();
    }

    /// <summary>Gets a codec that stores values as they are (one flag byte in front).</summary>
    public static StoredValueCodec Plain { get; } = new(-1);

    /// <summary>Encodes <paramref name="value"/> for <paramref name="key"/>.</summary>
    public byte[] Encode(string key, ReadOnlySpan<byte> value)
    {
        byte flags = 0;
        byte[]? compressed = null;
        var compressedLength = 0;
        if (_compressionThreshold >= 0 && value.Length > _compressionThreshold)
        {
            compressed = new byte[4 + LZ4Codec.MaximumOutputSize(value.Length)];
            BinaryPrimitives.WriteInt32LittleEndian(compressed, value.Length);
            var encoded = LZ4Codec.Encode(value, compressed.AsSpan(4), LZ4Level.L00_FAST);
            if (encoded > 0 && encoded + 4 < value.Length)
            {
                flags |= Compressed;
                compressedLength = encoded + 4;
            }
        }

        ReadOnlySpan<byte> body = (flags & Compressed) != 0 ? compressed.AsSpan(0, compressedLength) : value;
        if (_key is null)
        {
            var plain = new byte[1 + body.Length];
            plain[0] = flags;
            body.CopyTo(plain.AsSpan(1));
            return plain;
        }

        flags |= Encrypted;
        var sealedValue = new byte[1 + NonceSize + TagSize + body.Length];
        sealedValue[0] = flags;
        var nonce = sealedValue.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, body, sealedValue.AsSpan(1 + NonceSize + TagSize), sealedValue.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(key));
        return sealedValue;
    }

    /// <summary>Decodes bytes written by <see cref="Encode"/> for the same key.</summary>
    /// <returns>The value; a slice of <paramref name="stored"/> when nothing was applied (no copy).</returns>
    /// <exception cref="InvalidDataException">The bytes are damaged, encrypted with another key, or encrypted while no key is configured.</exception>
    public ReadOnlyMemory<byte> Decode(string key, ReadOnlyMemory<byte> stored)
    {
        if (stored.IsEmpty || (stored.Span[0] & ~(Compressed | Encrypted)) != 0)
        {
            throw new InvalidDataException($"The stored value of state key '{key}' has an unknown format.");
        }

        var flags = stored.Span[0];
        if (flags == 0)
        {
            return stored[1..];
        }

        ReadOnlySpan<byte> body = stored.Span[1..];
        byte[]? decrypted = null;
        if ((flags & Encrypted) != 0)
        {
            if (_key is null)
            {
                throw new InvalidDataException($"The value of state key '{key}' is encrypted, but no encryption key is configured.");
            }

            if (body.Length < NonceSize + TagSize)
            {
                throw new InvalidDataException($"The encrypted value of state key '{key}' is truncated.");
            }

            decrypted = new byte[body.Length - NonceSize - TagSize];
            try
            {
                using var aes = new AesGcm(_key, TagSize);
                aes.Decrypt(body[..NonceSize], body[(NonceSize + TagSize)..], body.Slice(NonceSize, TagSize), decrypted, Encoding.UTF8.GetBytes(key));
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new InvalidDataException(
                    $"The value of state key '{key}' failed authentication: it was written with another encryption key, or it is damaged.", e);
            }

            body = decrypted;
        }

        if ((flags & Compressed) == 0)
        {
            return decrypted ?? body.ToArray();
        }

        var length = body.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(body) : -1;
        if (length is < 0 or > 1 << 30)
        {
            throw new InvalidDataException($"The compressed value of state key '{key}' has an invalid length.");
        }

        var value = new byte[length];
        if (LZ4Codec.Decode(body[4..], value) != length)
        {
            throw new InvalidDataException($"The compressed value of state key '{key}' is damaged.");
        }

        return value;
    }
}
