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

        Assert.Equal(2, storedSmall[0]);
        Assert.Equal(3, storedLarge[0]);
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
}
