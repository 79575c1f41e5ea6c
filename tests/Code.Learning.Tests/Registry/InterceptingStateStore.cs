using Code.Core.State;

namespace Code.Learning.Tests.Registry;

/// <summary>A state store that runs a hook once, right after the first successful compare-and-swap on a matching key (to interleave another writer exactly there).</summary>
internal sealed class InterceptingStateStore(IStateStore inner) : IStateStore
{
    private Func<string, bool>? _match;
    private Func<Task>? _hook;

    /// <summary>Runs <paramref name="hook"/> once after the next successful compare-and-swap of a key matching <paramref name="match"/>.</summary>
    public void After(Func<string, bool> match, Func<Task> hook)
    {
        _match = match;
        _hook = hook;
    }

    public async ValueTask<StateWriteResult> CompareAndSwapAsync(string key, long expectedVersion, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var result = await inner.CompareAndSwapAsync(key, expectedVersion, value, cancellationToken);
        if (result.Succeeded && _match is not null && _match(key))
        {
            var hook = _hook!;
            _match = null;
            _hook = null;
            await hook();
        }

        return result;
    }

    public ValueTask<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public ValueTask<long> PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => inner.PutAsync(key, value, cancellationToken);

    public ValueTask<StateWriteResult> DeleteAsync(string key, long expectedVersion = StateVersion.Any, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, expectedVersion, cancellationToken);

    public ValueTask<StatePage> ScanAsync(string prefix, string? startAfter = null, int limit = 100, CancellationToken cancellationToken = default) => inner.ScanAsync(prefix, startAfter, limit, cancellationToken);

    public IAsyncEnumerable<StateChange> WatchAsync(string prefix, long afterRevision = StateVersion.Latest, CancellationToken cancellationToken = default) => inner.WatchAsync(prefix, afterRevision, cancellationToken);

    public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default) => inner.GetRevisionAsync(cancellationToken);

    public ValueTask<StateLease?> TryAcquireLeaseAsync(string name, string owner, TimeSpan timeToLive, CancellationToken cancellationToken = default) => inner.TryAcquireLeaseAsync(name, owner, timeToLive, cancellationToken);

    public ValueTask<StateLease?> RenewLeaseAsync(StateLease lease, TimeSpan timeToLive, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(lease, timeToLive, cancellationToken);

    public ValueTask<bool> ReleaseLeaseAsync(StateLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
