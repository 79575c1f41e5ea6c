using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Code.Core.Persistence;
using StackExchange.Redis;

namespace Code.Core.State.Redis;

/// <summary>
/// An <see cref="IStateStore"/> on a Redis-protocol server (Redis or Garnet) that many hosts share.
/// </summary>
/// <remarks>
/// <para>
/// Layout under a prefix <c>p</c>: <c>p:rev</c> (the revision counter), <c>p:k:&lt;key&gt;</c> (a hash of
/// value <c>v</c> and version <c>n</c>), <c>p:idx</c> (a sorted set of all keys, for ordered prefix scans
/// with ZRANGEBYLEX), <c>p:log</c> (the recent changes, scored by revision) and <c>p:logbytes</c> (the bytes
/// the log holds). Every write is one Lua script, so the version check, the new revision, the value, the
/// index and the change log change together on the server: CAS is exact across hosts.
/// </para>
/// <para>
/// Watches read the change log after their revision and wait for a pub/sub wake-up on <c>p:changes</c>
/// (published after each write) or a one-second poll. Garnet 2.2.8 has no streams, so the change log
/// is a sorted set, which both servers support. Lease expiry is judged by the server's clock.
/// </para>
/// </remarks>
internal sealed partial class RedisStateStore : IStateStore, IDisposable, ILeaseRecordStore, ISharedLeaseClock, IConditionalWriteStore, IStoredValueReencryption
{
    private const string StoreKind = "redis";
    private const int ScanChunk = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _database;
    private readonly StateLimits _limits;
    private readonly StoredValueCodec _codec;
    private readonly StateLeaseCoordinator _leases;
    private readonly int _historyCapacity;
    private readonly string _prefix;
    private readonly RedisKey _revisionKey;
    private readonly RedisKey _indexKey;
    private readonly RedisKey _logKey;
    private readonly RedisKey _logBytesKey;
    private readonly RedisChannel _changesChannel;
    private readonly CancellationTokenSource _closing = new();
    private int _disposed;

    public RedisStateStore(
        IConnectionMultiplexer connection, bool ownsConnection, string prefix, StateLimits limits, StoredValueCodec codec, TimeProvider timeProvider, int historyCapacity)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _connection = connection;
        _ownsConnection = ownsConnection;
        _database = connection.GetDatabase();
        _limits = limits;
        _codec = codec;
        _historyCapacity = historyCapacity;
        _prefix = prefix;
        _revisionKey = prefix + ":rev";
        _indexKey = prefix + ":idx";
        _logKey = prefix + ":log";
        _logBytesKey = prefix + ":logbytes";
        _changesChannel = RedisChannel.Literal(prefix + ":changes");
        _leases = new StateLeaseCoordinator(this, limits, timeProvider);
    }

    /// <summary>Connects to the server described by a StackExchange.Redis configuration string and opens the store on it.</summary>
    public static async Task<RedisStateStore> ConnectAsync(
        string configuration, string prefix, StateLimits limits, StoredValueCodec codec, TimeProvider timeProvider, int historyCapacity = InMemoryStateStore.DefaultHistoryCapacity, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        return new RedisStateStore(connection, ownsConnection: true, prefix, limits, codec, timeProvider, historyCapacity) { StateStoreMetrics = StateStoreMetrics.For(meterFactory) };
    }

    /// <inheritdoc />
    public async ValueTask<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        _limits.ValidateKey(key);
        var entry = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        StateStoreMetrics.Operation(StoreKind, "get", "ok", start);
        return entry;
    }

    /// <inheritdoc />
    public ValueTask<long> PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        ValidatedWrites.PutAsync(this, key, value, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateWriteResult> CompareAndSwapAsync(
        string key, long expectedVersion, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        ValidatedWrites.CompareAndSwapAsync(this, key, expectedVersion, value, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateWriteResult> DeleteAsync(string key, long expectedVersion = StateVersion.Any, CancellationToken cancellationToken = default) =>
        ValidatedWrites.DeleteAsync(this, key, expectedVersion, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<StatePage> ScanAsync(string prefix, string? startAfter = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        _limits.ValidateScan(prefix, startAfter, limit);
        ThrowIfDisposed();
        var afterStart = startAfter is not null && string.CompareOrdinal(startAfter, prefix) > 0;
        RedisValue lower = Encoding.UTF8.GetBytes(afterStart ? startAfter! : prefix);
        var raw = await _database.SortedSetRangeByValueAsync(
            _indexKey, lower, default, afterStart ? Exclude.Start : Exclude.None, Order.Ascending, 0, limit + 1).WaitAsync(cancellationToken).ConfigureAwait(false);

        var keys = new List<string>(raw.Length);
        foreach (var value in raw)
        {
            var key = Encoding.UTF8.GetString((byte[])value!);
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                break;
            }

            keys.Add(key);
        }

        var continuation = keys.Count > limit ? keys[limit - 1] : null;
        var pageKeys = keys.Take(limit).Where(k => !StateLimits.IsReserved(k)).ToList();
        var entries = new List<StateEntry>(pageKeys.Count);
        long bytes = 0;
        for (var chunk = 0; chunk < pageKeys.Count; chunk += ScanChunk)
        {
            // One round trip per chunk of keys; a page that reaches the byte limit ends early.
            var chunkKeys = pageKeys.Skip(chunk).Take(ScanChunk).ToList();
            var values = (RedisResult[])(await _database.ScriptEvaluateAsync(ReadManyScript, chunkKeys.Select(DataKey).ToArray())
                .WaitAsync(cancellationToken).ConfigureAwait(false))!;
            for (var i = 0; i < chunkKeys.Count; i++)
            {
                if (ToEntry(chunkKeys[i], (RedisValue[])values[i]!) is not { } entry)
                {
                    continue;
                }

                if (entries.Count > 0 && bytes + entry.Value.Length > _limits.MaxScanBytes)
                {
                    StateStoreMetrics.Operation(StoreKind, "scan", "ok", start);
                    return new StatePage(entries, entries[^1].Key);
                }

                bytes += entry.Value.Length;
                entries.Add(entry);
            }
        }

        StateStoreMetrics.Operation(StoreKind, "scan", "ok", start);
        return new StatePage(entries, continuation);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StateChange> WatchAsync(string prefix, long afterRevision = StateVersion.Latest, CancellationToken cancellationToken = default)
    {
        _limits.ValidatePrefix(prefix);
        StateLimits.ValidateAfterRevision(afterRevision);
        ThrowIfDisposed();
        return WatchCoreAsync(prefix, afterRevision, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var value = await _database.StringGetAsync(_revisionKey).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value.IsNull ? 0 : (long)value;
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

    string IConditionalWriteStore.StoreKind => StoreKind;

    StateStoreMetrics IConditionalWriteStore.StateStoreMetrics => StateStoreMetrics;

    internal StateStoreMetrics StateStoreMetrics { get; init; } = StateStoreMetrics.Shared;

    StateLimits IConditionalWriteStore.Limits => _limits;

    ValueTask<StateEntry?> ILeaseRecordStore.ReadLeaseRecordAsync(string key, CancellationToken cancellationToken) =>
        ReadAsync(key, cancellationToken);

    ValueTask<StateWriteResult> ILeaseRecordStore.SwapLeaseRecordAsync(
        string key, long expectedVersion, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken) =>
        WriteAsync(key, expectedVersion, value, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _closing.Cancel();
        _closing.Dispose();
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private RedisKey DataKey(string key) => _prefix + ":k:" + key;

    private async ValueTask<StateEntry?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var values = await _database.HashGetAsync(DataKey(key), [(RedisValue)"v", (RedisValue)"n"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return ToEntry(key, values);
    }

    private StateEntry? ToEntry(string key, RedisValue[] values) =>
        values[0].IsNull || values[1].IsNull ? null : new StateEntry(key, _codec.Decode(key, (byte[])values[0]!), (long)values[1]);

    /// <inheritdoc />
    public async ValueTask<StateWriteResult> WriteAsync(string key, long expectedVersion, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var encoded = value is null ? [] : _codec.Encode(key, value.Value.Span);
        var result = (RedisResult[])(await _database.ScriptEvaluateAsync(
            WriteScript,
            [_revisionKey, DataKey(key), _indexKey, _logKey, _logBytesKey],
            [expectedVersion, value is null ? "D" : "P", encoded, Encoding.UTF8.GetBytes(key), _historyCapacity, _limits.MaxHistoryBytes]).ConfigureAwait(false))!;
        var written = new StateWriteResult((long)result[0] == 1, (long)result[1]);
        if (written.Succeeded)
        {
            await _database.PublishAsync(_changesChannel, written.Version, CommandFlags.FireAndForget).ConfigureAwait(false);
        }

        return written;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
