using System.Diagnostics;
using Code.Core.Configuration;

namespace Code.Core.State;

/// <summary>
/// An <see cref="IStateStore"/> that keeps everything in process memory: the same contract as the
/// durable stores (versions, compare-and-swap, ordered scans, watches, leases), but nothing survives
/// the process. For tests and ephemeral hosts (<c>persistence.store = "memory"</c>).
/// </summary>
public sealed class InMemoryStateStore : IStateStore, IDisposable, ILeaseRecordStore, IStoredValueReencryption
{
    internal const int DefaultHistoryCapacity = 10_000;
    private const string StoreKind = "memory";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StateEntry> _entries = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly StateLimits _limits;
    private readonly StateChangeFeed _feed;
    private readonly StateLeaseCoordinator _leases;
    private long _revision;
    private bool _disposed;

    private StateStoreMetrics StateStoreMetrics { get; } = StateStoreMetrics.Shared;

    /// <summary>Initializes a new, empty instance of the <see cref="InMemoryStateStore"/> class.</summary>
    /// <param name="timeProvider">The clock of lease expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="limits">The key and value size limits (<c>memory.max_key_size</c>, <c>memory.max_value_size</c>); the defaults when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>Code.Core</c> meter of the store's metrics; the process-wide meter when <see langword="null"/>.</param>
    public InMemoryStateStore(TimeProvider? timeProvider = null, MemoryOptions? limits = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
        : this(timeProvider ?? TimeProvider.System, StateLimits.From(limits), DefaultHistoryCapacity)
    {
        StateStoreMetrics = StateStoreMetrics.For(meterFactory);
    }

    internal InMemoryStateStore(TimeProvider timeProvider, StateLimits limits, int historyCapacity)
    {
        _limits = limits;
        _feed = new StateChangeFeed(historyCapacity, 0, limits.MaxHistoryBytes);
        _leases = new StateLeaseCoordinator(this, limits, timeProvider);
    }

    /// <inheritdoc />
    public ValueTask<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        _limits.ValidateKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        var entry = Read(key);
        StateStoreMetrics.Operation(StoreKind, "get", "ok", start);
        return ValueTask.FromResult(entry);
    }

    /// <inheritdoc />
    public ValueTask<long> PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        _limits.ValidateKey(key);
        _limits.ValidateValue(key, value);
        cancellationToken.ThrowIfCancellationRequested();
        var result = Write(key, StateVersion.Any, value.ToArray());
        StateStoreMetrics.Operation(StoreKind, "put", "ok", start);
        return ValueTask.FromResult(result.Version);
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> CompareAndSwapAsync(
        string key, long expectedVersion, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        _limits.ValidateKey(key);
        StateLimits.ValidateExpectedVersion(expectedVersion, allowAny: false);
        _limits.ValidateValue(key, value);
        cancellationToken.ThrowIfCancellationRequested();
        var start = StateStoreMetrics.Start();
        var result = Write(key, expectedVersion, value.ToArray());
        StateStoreMetrics.Operation(StoreKind, "cas", result.Succeeded ? "ok" : "conflict", start);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> DeleteAsync(string key, long expectedVersion = StateVersion.Any, CancellationToken cancellationToken = default)
    {
        _limits.ValidateKey(key);
        StateLimits.ValidateExpectedVersion(expectedVersion, allowAny: true);
        cancellationToken.ThrowIfCancellationRequested();
        var start = StateStoreMetrics.Start();
        var result = Write(key, expectedVersion, null);
        StateStoreMetrics.Operation(StoreKind, "delete", result.Succeeded ? "ok" : "conflict", start);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public ValueTask<StatePage> ScanAsync(string prefix, string? startAfter = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        _limits.ValidateScan(prefix, startAfter, limit);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var page = new List<StateEntry>(Math.Min(limit, 256));
            string? continuation = null;
            long bytes = 0;
            foreach (var key in StateScan.KeysFrom(_keys, prefix, startAfter))
            {
                var entry = _entries[key];
                if (page.Count == limit || (page.Count > 0 && bytes + entry.Value.Length > _limits.MaxScanBytes))
                {
                    continuation = page[^1].Key;
                    break;
                }

                bytes += entry.Value.Length;
                page.Add(entry);
            }

            return ValueTask.FromResult(new StatePage(page, continuation));
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StateChange> WatchAsync(string prefix, long afterRevision = StateVersion.Latest, CancellationToken cancellationToken = default)
    {
        _limits.ValidatePrefix(prefix);
        StateLimits.ValidateAfterRevision(afterRevision);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _feed.WatchAsync(prefix, afterRevision, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ValueTask.FromResult(_revision);
        }
    }

    /// <inheritdoc />
    public ValueTask<StateLease?> TryAcquireLeaseAsync(string name, string owner, TimeSpan timeToLive, CancellationToken cancellationToken = default) =>
        _leases.TryAcquireAsync(name, owner, timeToLive, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateLease?> RenewLeaseAsync(StateLease lease, TimeSpan timeToLive, CancellationToken cancellationToken = default) =>
        _leases.RenewAsync(lease, timeToLive, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ReleaseLeaseAsync(StateLease lease, CancellationToken cancellationToken = default) =>
        _leases.ReleaseAsync(lease, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _feed.Complete();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing is kept at rest, so nothing is encrypted and there is nothing to rewrite.</summary>
    ValueTask<long> IStoredValueReencryption.ReencryptStoredValuesAsync(CancellationToken cancellationToken) => ValueTask.FromResult(0L);

    ValueTask<StateEntry?> ILeaseRecordStore.ReadLeaseRecordAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Read(key));

    ValueTask<StateWriteResult> ILeaseRecordStore.SwapLeaseRecordAsync(
        string key, long expectedVersion, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Write(key, expectedVersion, value?.ToArray()));

    private StateEntry? Read(string key)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _entries.GetValueOrDefault(key);
        }
    }

    private StateWriteResult Write(string key, long expectedVersion, byte[]? value)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var currentVersion = _entries.TryGetValue(key, out var current) ? current.Version : StateVersion.Absent;
            if (expectedVersion != StateVersion.Any && expectedVersion != currentVersion)
            {
                return new StateWriteResult(false, currentVersion);
            }

            if (value is null)
            {
                if (current is null)
                {
                    return new StateWriteResult(false, StateVersion.Absent);
                }

                var revision = ++_revision;
                _entries.Remove(key);
                _keys.Remove(key);
                _feed.Publish(new StateChange(revision, StateChangeKind.Delete, key, ReadOnlyMemory<byte>.Empty));
                return new StateWriteResult(true, revision);
            }
            else
            {
                var revision = ++_revision;
                _entries[key] = new StateEntry(key, value, revision);
                _keys.Add(key);
                _feed.Publish(new StateChange(revision, StateChangeKind.Put, key, value));
                return new StateWriteResult(true, revision);
            }
        }
    }
}
