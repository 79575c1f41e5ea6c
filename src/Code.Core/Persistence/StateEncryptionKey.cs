using System.Globalization;

namespace Code.Core.Persistence;

/// <summary>
/// The host-supplied AES keys that the durable state stores encrypt values with, by key id, and the id
/// new values are written under (registered by <c>UseStateEncryption</c>). Values written under the
/// other ids stay readable, which is what lets a host rotate keys.
/// </summary>
internal sealed class StateEncryptionKey
{
    /// <summary>The key id of a key given without one.</summary>
    public const int DefaultKeyId = 1;

    /// <summary>One key, with id <see cref="DefaultKeyId"/>.</summary>
    public StateEncryptionKey(ReadOnlySpan<byte> key)
        : this(DefaultKeyId, new Dictionary<int, byte[]> { [DefaultKeyId] = key.ToArray() })
    {
    }

    /// <summary>Several keys by id; new values are written under <paramref name="currentKeyId"/>.</summary>
    public StateEncryptionKey(int currentKeyId, IReadOnlyDictionary<int, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("State encryption needs at least one key.", nameof(keys));
        }

        var copy = new SortedDictionary<int, byte[]>();
        foreach (var (id, key) in keys)
        {
            if (id < 1)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A state encryption key id is 1 or more; got {id}."), nameof(keys));
            }

            if (key is null || key.Length is not (16 or 24 or 32))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The state encryption key with id {id} is an AES key of 16, 24 or 32 bytes; got {key?.Length ?? 0} bytes."),
                    nameof(keys));
            }

            copy[id] = key.ToArray();
        }

        if (!copy.ContainsKey(currentKeyId))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The current state encryption key id {currentKeyId} is not among the keys given ({string.Join(", ", copy.Keys)})."),
                nameof(currentKeyId));
        }

        CurrentKeyId = currentKeyId;
        Keys = copy;
    }

    /// <summary>Gets the id new values are written under.</summary>
    public int CurrentKeyId { get; }

    /// <summary>Gets every key by id, in id order.</summary>
    public IReadOnlyDictionary<int, byte[]> Keys { get; }
}
