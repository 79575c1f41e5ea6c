namespace Code.Core.Persistence;

/// <summary>The host-supplied AES key that the durable state stores encrypt values with (registered by <c>UseStateEncryption</c>).</summary>
internal sealed class StateEncryptionKey
{
    public StateEncryptionKey(ReadOnlySpan<byte> key)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException($"A state encryption key is an AES key of 16, 24 or 32 bytes; got {key.Length} bytes.", nameof(key));
        }

        Key = key.ToArray();
    }

    public byte[] Key { get; }
}
