using Google.Protobuf;

namespace Code.Core.State;

/// <summary>A protobuf message read from an <see cref="IStateStore"/>, with its key and version.</summary>
/// <typeparam name="T">The message type.</typeparam>
/// <param name="Key">The key.</param>
/// <param name="Message">The decoded message.</param>
/// <param name="Version">The key's version, for a later <see cref="StateStoreMessageExtensions.CompareAndSwapMessageAsync"/>.</param>
public sealed record StateMessage<T>(string Key, T Message, long Version)
    where T : IMessage<T>;

/// <summary>Typed access to protobuf messages kept in an <see cref="IStateStore"/>.</summary>
/// <remarks>
/// A message whose encoding is empty (every field at its default) cannot be stored, because stores
/// refuse empty values; such writes fail with an <see cref="ArgumentException"/>.
/// </remarks>
public static class StateStoreMessageExtensions
{
    /// <summary>Reads and decodes the message stored under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The message and its version, or <see langword="null"/> when the key is absent.</returns>
    /// <exception cref="InvalidDataException">The stored bytes are not a <typeparamref name="T"/>.</exception>
    public static async ValueTask<StateMessage<T>?> GetMessageAsync<T>(this IStateStore store, string key, CancellationToken cancellationToken = default)
        where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(store);
        var entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : new StateMessage<T>(entry.Key, Decode<T>(entry.Key, entry.Value), entry.Version);
    }

    /// <summary>Encodes and writes <paramref name="message"/> under <paramref name="key"/> unconditionally.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied yet.</param>
    /// <returns>The key's new version.</returns>
    public static ValueTask<long> PutMessageAsync<T>(this IStateStore store, string key, T message, CancellationToken cancellationToken = default)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.PutAsync(key, Encode(key, message), cancellationToken);
    }

    /// <summary>Encodes and writes <paramref name="message"/> only if the key is at <paramref name="expectedVersion"/> (0: absent).</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">The version read, or 0 to create.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied yet.</param>
    /// <returns>Whether the write happened, and the key's version afterwards.</returns>
    public static ValueTask<StateWriteResult> CompareAndSwapMessageAsync<T>(
        this IStateStore store, string key, long expectedVersion, T message, CancellationToken cancellationToken = default)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.CompareAndSwapAsync(key, expectedVersion, Encode(key, message), cancellationToken);
    }

    private static byte[] Encode<T>(string key, T message)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = message.ToByteArray();
        if (bytes.Length == 0)
        {
            throw new ArgumentException(
                $"The {typeof(T).Name} for state key '{key}' encodes to zero bytes (every field is at its default); the store refuses empty values.",
                nameof(message));
        }

        return bytes;
    }

    private static T Decode<T>(string key, ReadOnlyMemory<byte> value)
        where T : IMessage<T>, new()
    {
        try
        {
            var message = new T();
            message.MergeFrom(value.Span);
            return message;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"The value of state key '{key}' is not a valid {typeof(T).Name}.", e);
        }
    }
}
