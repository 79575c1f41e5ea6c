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
/// with ZRANGEBYLEX) and <c>p:log</c> (the recent changes, scored by revision). Every write is one Lua
/// script, so the version check, the new revision, the value, the index and the change log change
/// atomically on the server: CAS is exact across hosts.
/// </para>
/// <para>
/// Watches read the change log after their revision and wait for a pub/sub wake-up on <c>p:changes</c>
/// (published after each write) or a one-second poll. Garnet 2.2.8 has no streams, so the change log
/// is a sorted set, which both servers support.
/// </para>
/// </remarks>
internal sealed class RedisStateStore : IStateStore, IDisposable, ILeaseRecordStore, IConditionalWriteStore
{
    private const string StoreKind = "redis";
    private const int ScanChunk = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private const string WriteScript = """
        local current = redis.call('HGET', KEYS[2], 'n')
        local version = 0
        if current then version = tonumber(current) end
        local expected = tonumber(ARGV[1])
        if expected ~= -1 and expected ~= version then return {0, version} end
        local delete = ARGV[2] == 'D'
        if delete and version == 0 then return {0, 0} end
        local revision = redis.call('INCR', KEYS[1])
        local change
        if delete then
          redis.call('DEL', KEYS[2])
          redis.call('ZREM', KEYS[3], ARGV[4])
          change = tostring(revision) .. ':' .. tostring(string.len(ARGV[4])) .. ':' .. ARGV[4] .. 'D'
        else
          redis.call('HSET', KEYS[2], 'v', ARGV[3], 'n', tostring(revision))
          redis.call('ZADD', KEYS[3], 0, ARGV[4])
          change = tostring(revision) .. ':' .. tostring(string.len(ARGV[4])) .. ':' .. ARGV[4] .. 'P' .. ARGV[3]
        end
        redis.call('ZADD', KEYS[4], revision, change)
        redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(tonumber(ARGV[5]) + 1))
        return {1, revision}
        """;

    private const string ReadManyScript = """
        local values = {}
        for i, key in ipairs(KEYS) do
          values[i] = redis.call('HMGET', key, 'v', 'n')
        end
        return values
        """;

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
            [_revisionKey, DataKey(key), _indexKey, _logKey],
            [expectedVersion, value is null ? "D" : "P", encoded, Encoding.UTF8.GetBytes(key), _historyCapacity]).ConfigureAwait(false))!;
        var written = new StateWriteResult((long)result[0] == 1, (long)result[1]);
        if (written.Succeeded)
        {
            await _database.PublishAsync(_changesChannel, written.Version, CommandFlags.FireAndForget).ConfigureAwait(false);
        }

        return written;
    }

    private async IAsyncEnumerable<StateChange> WatchCoreAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        using var wakeUp = new SemaphoreSlim(0);
        var subscriber = _connection.GetSubscriber();
        void OnChange(RedisChannel channel, RedisValue message)
        {
            try
            {
                if (wakeUp.CurrentCount == 0)
                {
                    wakeUp.Release();
                }
            }
            catch (ObjectDisposedException)
            {
                // The watch ended while this notification was on its way.
            }
        }

        await subscriber.SubscribeAsync(_changesChannel, OnChange).ConfigureAwait(false);
        try
        {
            var from = afterRevision == StateVersion.Latest ? await GetRevisionAsync(linked.Token).ConfigureAwait(false) : afterRevision;
            while (true)
            {
                var changes = await NextChangesAsync(from, linked.Token, cancellationToken).ConfigureAwait(false);
                if (changes is null)
                {
                    yield break;
                }

                foreach (var item in changes)
                {
                    var change = ParseChange((byte[])item.Element!);
                    from = change.Revision;
                    if (change.Key.StartsWith(prefix, StringComparison.Ordinal) && !StateLimits.IsReserved(change.Key))
                    {
                        yield return change;
                    }
                }

                if (changes.Length < 1000 && !await WaitForWakeUpAsync(wakeUp, linked.Token, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }
        }
        finally
        {
            // An owned connection closes with the store, and its subscriptions with it; a shared one is kept clean.
            if (!_ownsConnection || Volatile.Read(ref _disposed) == 0)
            {
                await subscriber.UnsubscribeAsync(_changesChannel, OnChange).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads the next changes; <see langword="null"/> when the store is closing (the caller's cancellation throws).</summary>
    private async Task<SortedSetEntry[]?> NextChangesAsync(long from, CancellationToken linked, CancellationToken caller)
    {
        try
        {
            var changes = await ReadChangesAsync(from, linked).ConfigureAwait(false);
            return FollowsOn(changes, from) ? changes : await RecheckChangesAsync(from, changes, linked).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClosing(e, caller))
        {
            return null;
        }
    }

    /// <summary>Waits for a wake-up or the poll interval; <see langword="false"/> when the store is closing.</summary>
    private async Task<bool> WaitForWakeUpAsync(SemaphoreSlim wakeUp, CancellationToken linked, CancellationToken caller)
    {
        try
        {
            await wakeUp.WaitAsync(PollInterval, linked).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (IsClosing(e, caller))
        {
            return false;
        }
    }

    /// <summary>Whether an exception in a watch comes from the store closing (the watch then ends) rather than from the caller or the server.</summary>
    private bool IsClosing(Exception exception, CancellationToken caller) =>
        !caller.IsCancellationRequested
        && (exception is OperationCanceledException || (exception is ObjectDisposedException && Volatile.Read(ref _disposed) != 0));

    private Task<SortedSetEntry[]> ReadChangesAsync(long from, CancellationToken cancellationToken) =>
        _database.SortedSetRangeByScoreWithScoresAsync(_logKey, from, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, 1000)
            .WaitAsync(cancellationToken);

    private static bool FollowsOn(SortedSetEntry[] changes, long from) => changes.Length > 0 && (long)changes[0].Score == from + 1;

    /// <summary>
    /// Handles a read of the change log that does not start right after <paramref name="from"/>: nothing new
    /// yet, a write seen half-done (Garnet does not hide a running script from other connections), or history
    /// trimmed away. Looks again a few times before concluding the last.
    /// </summary>
    private async Task<SortedSetEntry[]> RecheckChangesAsync(long from, SortedSetEntry[] changes, CancellationToken cancellationToken)
    {
        var revision = await GetRevisionAsync(cancellationToken).ConfigureAwait(false);
        if (revision <= from)
        {
            return [];
        }

        for (var attempt = 1; attempt <= 3 && !FollowsOn(changes, from); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken).ConfigureAwait(false);
            changes = await ReadChangesAsync(from, cancellationToken).ConfigureAwait(false);
        }

        if (FollowsOn(changes, from))
        {
            return changes;
        }

        var oldest = changes.Length > 0 ? (long)changes[0].Score : revision + 1;
        throw new StateHistoryUnavailableException(string.Create(
            CultureInfo.InvariantCulture,
            $"Changes after revision {from} are no longer held; the server keeps changes from revision {oldest} (current revision {revision}). Scan again and watch from the current revision."));
    }

    /// <summary>Parses a change-log member: <c>revision:keyLength:key</c>, then <c>P</c> and the stored value, or <c>D</c>.</summary>
    private StateChange ParseChange(byte[] member)
    {
        var span = member.AsSpan();
        var first = span.IndexOf((byte)':');
        var revision = long.Parse(span[..first], NumberStyles.None, CultureInfo.InvariantCulture);
        span = span[(first + 1)..];
        var second = span.IndexOf((byte)':');
        var keyLength = int.Parse(span[..second], NumberStyles.None, CultureInfo.InvariantCulture);
        var keyStart = first + 1 + second + 1;
        var key = Encoding.UTF8.GetString(member, keyStart, keyLength);
        var kind = member[keyStart + keyLength];
        if (kind == (byte)'D')
        {
            return new StateChange(revision, StateChangeKind.Delete, key, ReadOnlyMemory<byte>.Empty);
        }

        var stored = member.AsMemory(keyStart + keyLength + 1);
        return new StateChange(revision, StateChangeKind.Put, key, _codec.Decode(key, stored));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
