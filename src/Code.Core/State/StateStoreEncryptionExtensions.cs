namespace Code.Core.State;

/// <summary>A store that rewrites, in place, the stored values that are not encrypted under its current key id.</summary>
internal interface IStoredValueReencryption
{
    /// <summary>Rewrites every stored value (lease records included) not encrypted under the current key id; values and versions stay as they are.</summary>
    /// <returns>How many values were rewritten.</returns>
    ValueTask<long> ReencryptStoredValuesAsync(CancellationToken cancellationToken);
}

/// <summary>Key rotation for the state stores' encryption at rest (<c>UseStateEncryption</c>).</summary>
public static class StateStoreEncryptionExtensions
{
    private const int PageSize = 256;

    /// <summary>
    /// The re-encryption pass after a key rotation: rewrites the values stored under an older key id, in the
    /// earlier format, or unencrypted, so that they are all under the current key id. Run it after adding a new
    /// current key; retire an old key once the pass has finished (and, on Redis, the watch history has turned over).
    /// </summary>
    /// <remarks>
    /// On the Redis store only the values that need it are rewritten, in place: their versions do not change,
    /// watches see nothing, and lease records are included. On other stores every value is rewritten with a
    /// compare-and-swap of its own value: it gets a new version and watches see a put (a value changed meanwhile
    /// was written under the current key already and is skipped); lease records are re-encrypted when next renewed
    /// or taken. A store that keeps nothing at rest (the in-memory store) has nothing to rewrite.
    /// </remarks>
    /// <param name="store">The store.</param>
    /// <param name="cancellationToken">Stops the pass; what was rewritten stays rewritten.</param>
    /// <returns>How many values were rewritten.</returns>
    public static async ValueTask<long> ReencryptValuesAsync(this IStateStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is IStoredValueReencryption inPlace)
        {
            return await inPlace.ReencryptStoredValuesAsync(cancellationToken).ConfigureAwait(false);
        }

        long rewritten = 0;
        string? after = null;
        do
        {
            var page = await store.ScanAsync(string.Empty, after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                var result = await store.CompareAndSwapAsync(entry.Key, entry.Version, entry.Value, cancellationToken).ConfigureAwait(false);
                rewritten += result.Succeeded ? 1 : 0;
            }

            after = page.ContinuationKey;
        }
        while (after is not null);

        return rewritten;
    }
}
