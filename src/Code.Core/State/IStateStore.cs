namespace Code.Core.State;

/// <summary>
/// A versioned key-value store: every package of a CODE host keeps its state here (rollouts, models,
/// expert reliability, leases).
/// </summary>
/// <remarks>
/// <para>
/// Keys are non-empty strings of at most <c>memory.max_key_size</c> UTF-8 bytes; values are bytes of
/// at most <c>memory.max_value_size</c>. Every write is given the store's next <em>revision</em>, a
/// number that only grows; a key's <see cref="StateEntry.Version"/> is the revision of its last write,
/// so it grows with every change of that key, also across a delete and re-create. Version 0 means
/// "absent".
/// </para>
/// <para>
/// When a write returns, it is durable to the degree the implementation promises (the FASTER store:
/// on disk). All members are safe to call concurrently.
/// </para>
/// </remarks>
public interface IStateStore : IAsyncDisposable
{
    /// <summary>Reads a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/> when the key is absent.</returns>
    ValueTask<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes a key unconditionally.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value; copied before the call returns.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied yet.</param>
    /// <returns>The new version of the key.</returns>
    ValueTask<long> PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a key only if its current version is <paramref name="expectedVersion"/> (0: only if absent).
    /// A stale version never overwrites; the result then carries the current version.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">The version the caller read, or 0 to create the key.</param>
    /// <param name="value">The new value; copied before the call returns.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied yet.</param>
    /// <returns>Whether the write happened, and the key's version afterwards.</returns>
    ValueTask<StateWriteResult> CompareAndSwapAsync(
        string key, long expectedVersion, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key, optionally only if its current version is <paramref name="expectedVersion"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">The version the caller read, or <see cref="StateVersion.Any"/> to delete whatever is there.</param>
    /// <param name="cancellationToken">Cancels the delete if it has not been applied yet.</param>
    /// <returns>
    /// Succeeded when the key existed (at the expected version) and is now deleted; otherwise the
    /// current version (0 when the key was absent).
    /// </returns>
    ValueTask<StateWriteResult> DeleteAsync(
        string key, long expectedVersion = StateVersion.Any, CancellationToken cancellationToken = default);

    /// <summary>Lists the keys that start with <paramref name="prefix"/>, in ordinal key order, one page at a time.</summary>
    /// <remarks>
    /// A page may hold fewer than <paramref name="limit"/> entries even when more follow (stores bound the
    /// bytes of one page, 64 MiB by default); read on while <see cref="StatePage.ContinuationKey"/> is not <see langword="null"/>.
    /// </remarks>
    /// <param name="prefix">The key prefix; empty lists every key.</param>
    /// <param name="startAfter">The <see cref="StatePage.ContinuationKey"/> of the previous page, or <see langword="null"/> for the first.</param>
    /// <param name="limit">The most entries to return, 1 to 10000.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The page.</returns>
    ValueTask<StatePage> ScanAsync(
        string prefix, string? startAfter = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the changes of keys that start with <paramref name="prefix"/>, in revision order.
    /// </summary>
    /// <param name="prefix">The key prefix; empty watches every key.</param>
    /// <param name="afterRevision">
    /// Yield changes with a revision greater than this; <see cref="StateVersion.Latest"/> yields only
    /// changes made after the call. Pair with <see cref="GetRevisionAsync"/> to scan and then watch
    /// without a gap.
    /// </param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The changes, until <paramref name="cancellationToken"/> is cancelled or the store is disposed.</returns>
    /// <exception cref="StateHistoryUnavailableException">The store no longer holds the changes after <paramref name="afterRevision"/>.</exception>
    IAsyncEnumerable<StateChange> WatchAsync(
        string prefix, long afterRevision = StateVersion.Latest, CancellationToken cancellationToken = default);

    /// <summary>Gets the revision of the most recent write (0 for an empty, new store).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The current revision.</returns>
    ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Acquires the lease <paramref name="name"/> for <paramref name="owner"/> if it is free, expired, or
    /// already held by that owner. Across hosts sharing a store, at most one owner holds a lease at a time.
    /// </summary>
    /// <param name="name">The lease name, for example <c>rollout/checkout-api</c>.</param>
    /// <param name="owner">Who takes it, for example a host id.</param>
    /// <param name="timeToLive">How long the lease lasts unless renewed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The lease, whose <see cref="StateLease.FencingToken"/> is greater than any token handed out for
    /// this name before; or <see langword="null"/> when another owner holds it.
    /// </returns>
    ValueTask<StateLease?> TryAcquireLeaseAsync(
        string name, string owner, TimeSpan timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease that the caller still holds.</summary>
    /// <param name="lease">The lease as last acquired or renewed.</param>
    /// <param name="timeToLive">The new time to live, from now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The renewed lease (same fencing token), or <see langword="null"/> when it was lost.</returns>
    ValueTask<StateLease?> RenewLeaseAsync(StateLease lease, TimeSpan timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Releases a lease that the caller holds, so another owner may take it at once.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it was held and is now released.</returns>
    ValueTask<bool> ReleaseLeaseAsync(StateLease lease, CancellationToken cancellationToken = default);
}
