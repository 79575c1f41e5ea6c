namespace Code.Core.State;

/// <summary>
/// A store whose put, compare-and-swap and delete all come down to one conditional write. The
/// front end in <see cref="ValidatedWrites"/> validates the arguments and records the metrics, so
/// each store implements only the write itself.
/// </summary>
internal interface IConditionalWriteStore
{
    /// <summary>Gets the store's name in metrics (<c>faster</c>, <c>redis</c>).</summary>
    string StoreKind { get; }

    /// <summary>Gets the store's instruments.</summary>
    StateStoreMetrics StateStoreMetrics { get; }

    /// <summary>Gets the key and value limits the store enforces.</summary>
    StateLimits Limits { get; }

    /// <summary>
    /// Writes <paramref name="value"/> (or deletes when <see langword="null"/>) if the key is at
    /// <paramref name="expectedVersion"/> (<see cref="StateVersion.Any"/>: unconditionally). Arguments are already valid.
    /// </summary>
    ValueTask<StateWriteResult> WriteAsync(string key, long expectedVersion, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken);
}

/// <summary>The validate-write-measure front end of put, compare-and-swap and delete, shared by the stores.</summary>
internal static class ValidatedWrites
{
    public static async ValueTask<long> PutAsync<TStore>(TStore store, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
        where TStore : IConditionalWriteStore
    {
        var start = store.StateStoreMetrics.Start();
        store.Limits.ValidateKey(key);
        store.Limits.ValidateValue(key, value);
        var result = await store.WriteAsync(key, StateVersion.Any, value, cancellationToken).ConfigureAwait(false);
        store.StateStoreMetrics.Operation(store.StoreKind, "put", "ok", start);
        return result.Version;
    }

    public static async ValueTask<StateWriteResult> CompareAndSwapAsync<TStore>(
        TStore store, string key, long expectedVersion, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
        where TStore : IConditionalWriteStore
    {
        var start = store.StateStoreMetrics.Start();
        store.Limits.ValidateKey(key);
        StateLimits.ValidateExpectedVersion(expectedVersion, allowAny: false);
        store.Limits.ValidateValue(key, value);
        var result = await store.WriteAsync(key, expectedVersion, value, cancellationToken).ConfigureAwait(false);
        store.StateStoreMetrics.Operation(store.StoreKind, "cas", result.Succeeded ? "ok" : "conflict", start);
        return result;
    }

    public static async ValueTask<StateWriteResult> DeleteAsync<TStore>(TStore store, string key, long expectedVersion, CancellationToken cancellationToken)
        where TStore : IConditionalWriteStore
    {
        var start = store.StateStoreMetrics.Start();
        store.Limits.ValidateKey(key);
        StateLimits.ValidateExpectedVersion(expectedVersion, allowAny: true);
        var result = await store.WriteAsync(key, expectedVersion, null, cancellationToken).ConfigureAwait(false);
        store.StateStoreMetrics.Operation(store.StoreKind, "delete", result.Succeeded ? "ok" : "conflict", start);
        return result;
    }
}
