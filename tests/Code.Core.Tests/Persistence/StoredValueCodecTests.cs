using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Code.Core.Persistence;

namespace Code.Core.Tests.Persistence;

public sealed class StoredValueCodecTests
{
    private static readonly byte[] KeyA = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(2, 32).Select(i => (byte)i).ToArray();

    private static byte[] Compressible(int length) => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("deployment ok; ", (length / 15) + 1)))[..length];

    [Fact]
    public void Values_at_or_below_the_threshold_are_stored_as_they_are()
    {
        var codec = new StoredValueCodec(1024);
        var value = Compressible(1024);

        var stored = codec.Encode("k", value);

        Assert.Equal(0, stored[0]);
        Assert.Equal(value, stored[1..]);
        Assert.Equal(value, codec.Decode("k", stored).ToArray());
    }

    [Fact]
    public void Compressible_values_above_the_threshold_are_LZ4_compressed_and_round_trip()
    {
        var codec = new StoredValueCodec(1024);
        var value = Compressible(20_000);

        var stored = codec.Encode("k", value);

        Assert.Equal(1, stored[0]);
        Assert.True(stored.Length < value.Length / 4, $"{stored.Length} bytes");
        Assert.Equal(value, codec.Decode("k", stored).ToArray());
    }

    [Fact]
    public void Incompressible_values_are_kept_uncompressed()
    {
        var codec = new StoredValueCodec(16);
        var value = new byte[4096];
        new Random(7).NextBytes(value);

        var stored = codec.Encode("k", value);

        Assert.Equal(0, stored[0]);
        Assert.Equal(value, codec.Decode("k", stored).ToArray());
    }

    [Fact]
    public void Encrypted_values_round_trip_and_do_not_show_the_plaintext()
    {
        var codec = new StoredValueCodec(64, KeyA);
        var small = Encoding.UTF8.GetBytes("secret-token-value");
        var large = Compressible(5000);

        var storedSmall = codec.Encode("k", small);
        var storedLarge = codec.Encode("k", large);

        Assert.Equal(0x06, storedSmall[0]);
        Assert.Equal(0x07, storedLarge[0]);
        Assert.Equal(-1, storedSmall.AsSpan().IndexOf("secret"u8));
        Assert.Equal(small, codec.Decode("k", storedSmall).ToArray());
        Assert.Equal(large, codec.Decode("k", storedLarge).ToArray());
    }

    [Fact]
    public void A_wrong_key_gives_a_clear_error_not_garbage()
    {
        var stored = new StoredValueCodec(64, KeyA).Encode("k", "secret"u8);

        var error = Assert.Throws<InvalidDataException>(() => new StoredValueCodec(64, KeyB).Decode("k", stored));

        Assert.Contains("another encryption key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_value_moved_to_another_key_or_tampered_with_is_refused()
    {
        var codec = new StoredValueCodec(64, KeyA);
        var stored = codec.Encode("k", "secret"u8);
        var tampered = stored.ToArray();
        tampered[^1] ^= 1;

        Assert.Throws<InvalidDataException>(() => codec.Decode("other", stored));
        Assert.Throws<InvalidDataException>(() => codec.Decode("k", tampered));
    }

    [Fact]
    public void An_encrypted_value_without_a_configured_key_is_refused()
    {
        var stored = new StoredValueCodec(64, KeyA).Encode("k", "secret"u8);

        var error = Assert.Throws<InvalidDataException>(() => new StoredValueCodec(64).Decode("k", stored));

        Assert.Contains("no encryption key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_or_unknown_formats_are_refused()
    {
        var codec = new StoredValueCodec(16);
        var compressed = codec.Encode("k", Compressible(4000));
        compressed[1] = 0xFF;

        Assert.Throws<InvalidDataException>(() => codec.Decode("k", compressed));
        Assert.Throws<InvalidDataException>(() => codec.Decode("k", new byte[] { 0x80, 1, 2 }));
        Assert.Throws<InvalidDataException>(() => codec.Decode("k", ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentException>(() => new StoredValueCodec(16, new byte[10]));
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x02)]
    [InlineData(0x04)]
    public void A_flipped_flag_of_an_encrypted_value_is_refused_not_misread(int flag)
    {
        var codec = new StoredValueCodec(64, KeyA);
        var stored = codec.Encode("k", Compressible(5000));
        stored[0] ^= (byte)flag;

        var error = Assert.Throws<InvalidDataException>(() => codec.Decode("k", stored));

        Assert.Contains("'k'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_altered_version_or_key_id_in_the_header_is_refused()
    {
        var codec = new StoredValueCodec(64, new StateEncryptionKey(1, new Dictionary<int, byte[]> { [1] = KeyA, [2] = KeyA }));
        var stored = codec.Encode("k", "secret"u8);
        var version = stored.ToArray();
        version[1] = 2;
        var keyId = stored.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(keyId.AsSpan(2), 2);

        var versionError = Assert.Throws<InvalidDataException>(() => codec.Decode("k", version));
        var keyIdError = Assert.Throws<InvalidDataException>(() => codec.Decode("k", keyId));

        Assert.Contains("format version 2", versionError.Message, StringComparison.Ordinal);
        Assert.Contains("failed authentication under encryption key id 2", keyIdError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plaintext_value_under_encryption_is_refused_unless_migration_is_allowed()
    {
        var injected = new StoredValueCodec(16).Encode("k", Compressible(100));
        var keys = new StateEncryptionKey(KeyA);

        var error = Assert.Throws<InvalidDataException>(() => new StoredValueCodec(16, keys).Decode("k", injected));
        var migrating = new StoredValueCodec(16, keys, acceptUnencrypted: true);

        Assert.Contains("persistence.accept_unencrypted_values", error.Message, StringComparison.Ordinal);
        Assert.Equal(Compressible(100), migrating.Decode("k", injected).ToArray());
        Assert.True(migrating.NeedsReencryption(injected));
    }

    [Fact]
    public void After_rotation_old_key_ids_are_read_and_new_values_are_written_under_the_current_id()
    {
        var before = new StoredValueCodec(64, new StateEncryptionKey(1, new Dictionary<int, byte[]> { [1] = KeyA }));
        var rotated = new StoredValueCodec(64, new StateEncryptionKey(2, new Dictionary<int, byte[]> { [1] = KeyA, [2] = KeyB }));
        var old = before.Encode("k", "old secret"u8);

        var fresh = rotated.Encode("k", "new secret"u8);

        Assert.Equal("old secret"u8.ToArray(), rotated.Decode("k", old).ToArray());
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(old.AsSpan(2)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(fresh.AsSpan(2)));
        Assert.True(rotated.NeedsReencryption(old));
        Assert.False(rotated.NeedsReencryption(fresh));
        var error = Assert.Throws<InvalidDataException>(() => before.Decode("k", fresh));
        Assert.Contains("key id 2, which is not configured (configured key ids: 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_in_the_earlier_encrypted_format_are_read_with_the_right_key_or_refused_naming_the_format()
    {
        var earlier = EarlierFormat("k", "written long ago"u8, KeyA);
        var rotated = new StoredValueCodec(64, new StateEncryptionKey(2, new Dictionary<int, byte[]> { [1] = KeyA, [2] = KeyB }));
        var otherKey = new StoredValueCodec(64, new StateEncryptionKey(2, new Dictionary<int, byte[]> { [2] = KeyB }));

        Assert.Equal("written long ago"u8.ToArray(), rotated.Decode("k", earlier).ToArray());
        Assert.True(rotated.NeedsReencryption(earlier));
        var error = Assert.Throws<InvalidDataException>(() => otherKey.Decode("k", earlier));
        Assert.Contains("earlier encrypted format", error.Message, StringComparison.Ordinal);
        Assert.Contains("configured key ids: 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_sets_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new StateEncryptionKey(3, new Dictionary<int, byte[]> { [1] = KeyA }));
        Assert.Throws<ArgumentException>(() => new StateEncryptionKey(0, new Dictionary<int, byte[]> { [0] = KeyA }));
        Assert.Throws<ArgumentException>(() => new StateEncryptionKey(1, new Dictionary<int, byte[]> { [1] = new byte[7] }));
        Assert.Throws<ArgumentException>(() => new StateEncryptionKey(1, new Dictionary<int, byte[]>()));
    }

    /// <summary>A value as the codec wrote it before key ids: [0x02][nonce][tag][ciphertext], the state key as associated data.</summary>
    private static byte[] EarlierFormat(string key, ReadOnlySpan<byte> value, byte[] aesKey)
    {
        var stored = new byte[1 + 12 + 16 + value.Length];
        stored[0] = 0x02;
        RandomNumberGenerator.Fill(stored.AsSpan(1, 12));
        using var aes = new AesGcm(aesKey, 16);
        aes.Encrypt(stored.AsSpan(1, 12), value, stored.AsSpan(29), stored.AsSpan(13, 16), Encoding.UTF8.GetBytes(key));
        return stored;
    }
}
