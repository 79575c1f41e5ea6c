using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using K4os.Compression.LZ4;

namespace Code.Core.Persistence;

/// <summary>
/// Turns a value into the bytes a durable store keeps at rest, and back: LZ4 above a size threshold,
/// then AES-GCM when the host supplied keys. The first byte says what was applied, so values written
/// with other settings stay readable; a value that fails authentication is an error, never garbage.
/// </summary>
/// <remarks>
/// <para>
/// Layouts, by the flags in the first byte (<c>0x01</c> compressed, <c>0x02</c> encrypted, <c>0x04</c> keyed header):
/// </para>
/// <list type="bullet">
/// <item><c>0x00</c>/<c>0x01</c>: <c>[flags][body]</c>, unencrypted. The body is the value, or, compressed,
/// <c>[4-byte original length][LZ4 block]</c>.</item>
/// <item><c>0x06</c>/<c>0x07</c> (written now): <c>[flags][format version 1][4-byte key id][12-byte nonce][16-byte tag][sealed body]</c>.
/// The associated data is the first 6 bytes (flags, version, key id) and the UTF-8 state key, so changing
/// any of them, or moving the value to another key, fails authentication.</item>
/// <item><c>0x02</c>/<c>0x03</c> (written by earlier versions, read only): <c>[flags][12-byte nonce][16-byte tag][sealed body]</c>,
/// the state key alone as associated data and no key id: every configured key is tried. Its flags are not
/// authenticated; the re-encryption pass rewrites such values in the keyed format.</item>
/// </list>
/// <para>With encryption on, an unencrypted value is refused unless migration is allowed (<c>persistence.accept_unencrypted_values</c>).</para>
/// </remarks>
internal sealed class StoredValueCodec
{
    private const byte Compressed = 0x01;
    private const byte Encrypted = 0x02;
    private const byte Keyed = 0x04;
    private const byte FormatVersion = 1;
    private const int HeaderSize = 6;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly int _compressionThreshold;
    private readonly StateEncryptionKey? _keys;
    private readonly bool _acceptUnencrypted;

    /// <param name="compressionThreshold">Values longer than this are LZ4-compressed; negative turns compression off.</param>
    /// <param name="encryptionKey">A 16, 24 or 32-byte AES key (key id 1), or empty to store values in the clear.</param>
    public StoredValueCodec(int compressionThreshold, ReadOnlySpan<byte> encryptionKey = default)
        : this(compressionThreshold, encryptionKey.IsEmpty ? null : new StateEncryptionKey(encryptionKey))
    {
    }

    /// <param name="compressionThreshold">Values longer than this are LZ4-compressed; negative turns compression off.</param>
    /// <param name="keys">The encryption keys by id, or <see langword="null"/> to store values in the clear.</param>
    /// <param name="acceptUnencrypted">With keys, whether unencrypted values are still read (migration); they are refused otherwise.</param>
    public StoredValueCodec(int compressionThreshold, StateEncryptionKey? keys, bool acceptUnencrypted = false)
    {
        _compressionThreshold = compressionThreshold;
        _keys = keys;
        _acceptUnencrypted = acceptUnencrypted;
    }

    /// <summary>Gets a codec that stores values as they are (one flag byte in front).</summary>
    public static StoredValueCodec Plain { get; } = new(-1);

    /// <summary>Gets a value indicating whether values are encrypted.</summary>
    public bool Encrypts => _keys is not null;

    /// <summary>Encodes <paramref name="value"/> for <paramref name="key"/>, encrypted under the current key id when encryption is on.</summary>
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
        if (_keys is null)
        {
            var plain = new byte[1 + body.Length];
            plain[0] = flags;
            body.CopyTo(plain.AsSpan(1));
            return plain;
        }

        var sealedValue = new byte[HeaderSize + NonceSize + TagSize + body.Length];
        sealedValue[0] = (byte)(flags | Encrypted | Keyed);
        sealedValue[1] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(sealedValue.AsSpan(2), _keys.CurrentKeyId);
        var nonce = sealedValue.AsSpan(HeaderSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys.Keys[_keys.CurrentKeyId], TagSize);
        aes.Encrypt(
            nonce,
            body,
            sealedValue.AsSpan(HeaderSize + NonceSize + TagSize),
            sealedValue.AsSpan(HeaderSize + NonceSize, TagSize),
            AssociatedData(sealedValue.AsSpan(0, HeaderSize), key));
        return sealedValue;
    }

    /// <summary>Decodes bytes written by <see cref="Encode"/> (or by an earlier version) for the same key.</summary>
    /// <returns>The value; a slice of <paramref name="stored"/> when nothing was applied (no copy).</returns>
    /// <exception cref="InvalidDataException">
    /// The bytes are damaged or changed, encrypted under a key id that is not configured (or while none is),
    /// or unencrypted while encryption is on and migration is not allowed.
    /// </exception>
    public ReadOnlyMemory<byte> Decode(string key, ReadOnlyMemory<byte> stored)
    {
        var flags = stored.IsEmpty ? (byte)0xFF : stored.Span[0];
        if ((flags & ~(Compressed | Encrypted | Keyed)) != 0 || (flags & (Encrypted | Keyed)) == Keyed)
        {
            throw new InvalidDataException(
                string.Create(CultureInfo.InvariantCulture, $"The stored value of state key '{key}' has an unknown format (flags 0x{flags:X2})."));
        }

        if ((flags & Encrypted) == 0)
        {
            if (_keys is not null && !_acceptUnencrypted)
            {
                throw new InvalidDataException(
                    $"The value of state key '{key}' is stored unencrypted, but state encryption is on: it was written before encryption was " +
                    "turned on, or put there without the key. Set persistence.accept_unencrypted_values = true to read such values while migrating.");
            }

            return flags == 0 ? stored[1..] : Decompress(key, stored.Span[1..]);
        }

        var body = (flags & Keyed) != 0 ? OpenKeyed(key, stored.Span) : OpenEarlierFormat(key, stored.Span);
        return (flags & Compressed) != 0 ? Decompress(key, body) : body;
    }

    /// <summary>Whether a stored value is not encrypted under the current key id (so the re-encryption pass rewrites it).</summary>
    public bool NeedsReencryption(ReadOnlySpan<byte> stored) =>
        _keys is not null
        && (stored.Length < HeaderSize
            || (stored[0] & (Encrypted | Keyed)) != (Encrypted | Keyed)
            || BinaryPrimitives.ReadInt32LittleEndian(stored[2..]) != _keys.CurrentKeyId);

    private byte[] OpenKeyed(string key, ReadOnlySpan<byte> stored)
    {
        if (stored.Length < HeaderSize + NonceSize + TagSize)
        {
            throw new InvalidDataException($"The encrypted value of state key '{key}' is truncated.");
        }

        if (stored[1] != FormatVersion)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"The encrypted value of state key '{key}' has format version {stored[1]}; this version reads format {FormatVersion}. It was written by a newer version, or it is damaged."));
        }

        var keyId = BinaryPrimitives.ReadInt32LittleEndian(stored[2..]);
        if (_keys is null || !_keys.Keys.TryGetValue(keyId, out var aesKey))
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"The value of state key '{key}' is encrypted under key id {keyId}, which is not configured ({ConfiguredKeys()})."));
        }

        var decrypted = new byte[stored.Length - HeaderSize - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(aesKey, TagSize);
            aes.Decrypt(
                stored.Slice(HeaderSize, NonceSize),
                stored[(HeaderSize + NonceSize + TagSize)..],
                stored.Slice(HeaderSize + NonceSize, TagSize),
                decrypted,
                AssociatedData(stored[..HeaderSize], key));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"The value of state key '{key}' failed authentication under encryption key id {keyId}: the value, its header or the key it is stored under was changed, it was written with another encryption key, or it is damaged."),
                e);
        }

        return decrypted;
    }

    /// <summary>Opens a value sealed by earlier versions (no header, no key id): tries each configured key.</summary>
    private byte[] OpenEarlierFormat(string key, ReadOnlySpan<byte> stored)
    {
        if (_keys is null)
        {
            throw new InvalidDataException($"The value of state key '{key}' is encrypted, but no encryption key is configured.");
        }

        var body = stored[1..];
        if (body.Length < NonceSize + TagSize)
        {
            throw new InvalidDataException($"The encrypted value of state key '{key}' is truncated.");
        }

        var decrypted = new byte[body.Length - NonceSize - TagSize];
        var associated = Encoding.UTF8.GetBytes(key);
        foreach (var aesKey in _keys.Keys.Values)
        {
            using var aes = new AesGcm(aesKey, TagSize);
            try
            {
                aes.Decrypt(body[..NonceSize], body[(NonceSize + TagSize)..], body.Slice(NonceSize, TagSize), decrypted, associated);
                return decrypted;
            }
            catch (AuthenticationTagMismatchException)
            {
                // Not this key; try the next.
            }
        }

        throw new InvalidDataException(
            $"The value of state key '{key}' is in the earlier encrypted format (no key id), and no configured encryption key ({ConfiguredKeys()}) " +
            "authenticates it: it was written with another encryption key, or it is damaged.");
    }

    private static byte[] Decompress(string key, ReadOnlySpan<byte> body)
    {
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

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string key)
    {
        var associated = new byte[header.Length + Encoding.UTF8.GetByteCount(key)];
        header.CopyTo(associated);
        Encoding.UTF8.GetBytes(key, associated.AsSpan(header.Length));
        return associated;
    }

    private string ConfiguredKeys() =>
        _keys is null ? "no encryption key is configured" : "configured key ids: " + string.Join(", ", _keys.Keys.Keys);
}
