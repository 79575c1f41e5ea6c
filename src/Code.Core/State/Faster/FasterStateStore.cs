using Code.Core.Persistence;
using FASTER.core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Code.Core.State.Faster;


/// <summary>
/// The embedded, durable <see cref="IStateStore"/>: values in a FASTER key-value store, every write
/// first in a write-ahead log with group commit, periodic checkpoints that let the log be truncated.
/// </summary>
/// <remarks>
/// <para>
/// Durability: a put, CAS or delete returns after its log record is on disk. Writes are serialized by
/// one lock (which also makes CAS exact and gives each write the next revision); the wait for the disk
/// happens outside the lock, so concurrent writers share one flush. Reads do not take the lock and may
/// see a write a moment before its writer is told it is durable.
/// </para>
/// <para>
/// Recovery: the newest intact checkpoint (files checked against the SHA-256s in its manifest; older
/// ones are the fallback), then the log after it, record by record with checksums and revision
/// continuity. A damaged tail is dropped and reported, then a checkpoint is taken and a new log
/// generation started, so later writes never sit behind the damage.
/// </para>
/// <para>
/// Keys are also kept, sorted, in memory for prefix scans; FASTER's sessions are single-threaded, so
/// each reader takes one from a per-processor cache (<see cref="ReaderSessions"/>).
/// </para>
/// </remarks>
internal sealed partial class FasterStateStore : IStateStore, IStateStoreRecovery, IDisposable, ILeaseRecordStore, IConditionalWriteStore
{
    private const string StoreKind = "faster";
    private const int VersionBytes = sizeof(long);
    private const int StackKeyBytes = 1024;

    private readonly FasterStateStoreSettings _settings;
    private readonly StateLimits _limits;
    private readonly StoredValueCodec _codec;
    private readonly ILogger _logger;
    private readonly CheckpointCatalog _catalog;
    private readonly Lock _writeGate = new();
    private readonly SemaphoreSlim _exclusiveLock = new(1, 1);
    private Task? _exclusive;
    private readonly ReaderSessions _readers = new();
    private readonly Func<Session?> _newReaderSession;
    private readonly Lock _keysGate = new();
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly StateLeaseCoordinator _leases;
    private FasterKV<SpanByte, SpanByte> _kv = null!;
    private IDevice _kvDevice = null!;
    private DeviceLogCommitCheckpointManager _checkpoints = null!;
    private WriterSession _writer = null!;
    private GroupCommitLog _wal = null!;
    private long _walGeneration;
    private StateChangeFeed _feed = null!;
    private ITimer? _timer;
    private long _revision;
    private long _checkpointRevision = -1;
    private int _disposed;

    private FasterStateStore(FasterStateStoreSettings settings)
    {
        _settings = settings;
        _limits = settings.Limits;
        _codec = settings.Codec;
        _logger = settings.Logger ?? NullLogger.Instance;
        _catalog = new CheckpointCatalog(ManifestDirectory, CheckpointDirectory);
        _leases = new StateLeaseCoordinator(this, _limits, settings.TimeProvider);
        _newReaderSession = NewReaderSession;
        StateStoreMetrics = StateStoreMetrics.For(settings.MeterFactory);
    }

    /// <summary>Gets the address of the oldest write-ahead log entry still held (it moves up after checkpoints).</summary>
    internal long LogBeginAddress => _wal.BeginAddress;

    /// <summary>Gets what the store found and did when it opened.</summary>
    public StateRecoveryReport Recovery { get; private set; } = null!;

    private string KvDirectory => Path.Combine(_settings.Directory, "kv");

    private string CheckpointDirectory => Path.Combine(_settings.Directory, "checkpoints");

    private string ManifestDirectory => Path.Combine(_settings.Directory, "manifests");

    private int MaxStoredValueBytes => VersionBytes + _limits.MaxValueBytes + (_limits.MaxValueBytes / 255) + 64;

    /// <summary>Opens the store in <see cref="FasterStateStoreSettings.Directory"/>, recovering what is there.</summary>
    public static async Task<FasterStateStore> OpenAsync(FasterStateStoreSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var store = new FasterStateStore(settings);
        try
        {
            await store.RecoverAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            store.CloseFaster();
            throw;
        }

        if (settings.CheckpointInterval > TimeSpan.Zero && settings.CheckpointInterval != Timeout.InfiniteTimeSpan)
        {
            store._timer = settings.TimeProvider.CreateTimer(
                static s => _ = ((FasterStateStore)s!).CheckpointFromTimerAsync(), store, settings.CheckpointInterval, settings.CheckpointInterval);
        }

        return store;
    }

    /// <inheritdoc />
    public ValueTask<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        StateEntry? entry;
        if (key is { Length: > 0 and <= StackKeyBytes / 3 })
        {
            // One pass validates and encodes the key (at most 3 UTF-8 bytes per UTF-16 unit).
            Span<byte> buffer = stackalloc byte[key.Length * 3];
            var keyBytes = EncodeValidKey(key, buffer);
            cancellationToken.ThrowIfCancellationRequested();
            entry = ReadEntry(key, keyBytes);
        }
        else
        {
            _limits.ValidateKey(key!);
            cancellationToken.ThrowIfCancellationRequested();
            entry = ReadEntry(key);
        }

        StateStoreMetrics.Operation(StoreKind, "get", "ok", start);
        return ValueTask.FromResult(entry);
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
    public ValueTask<StatePage> ScanAsync(string prefix, string? startAfter = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        _limits.ValidateScan(prefix, startAfter, limit);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();

        var keys = new List<string>(Math.Min(limit + 1, 256));
        lock (_keysGate)
        {
            foreach (var key in StateScan.KeysFrom(_keys, prefix, startAfter))
            {
                keys.Add(key);
                if (keys.Count > limit)
                {
                    break;
                }
            }
        }

        var entries = new List<StateEntry>(Math.Min(keys.Count, limit));
        var continuation = keys.Count > limit ? keys[limit - 1] : null;
        long bytes = 0;
        var session = EnterRead(out var slot);
        try
        {
            for (var i = 0; i < Math.Min(keys.Count, limit); i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stored = ReadStored(session, keys[i]);
                if (stored is null)
                {
                    continue;
                }

                var entry = ToEntry(keys[i], stored);
                if (entries.Count > 0 && bytes + entry.Value.Length > _limits.MaxScanBytes)
                {
                    // The page is full by size: the next page starts after the last key returned.
                    continuation = entries[^1].Key;
                    break;
                }

                bytes += entry.Value.Length;
                entries.Add(entry);
            }
        }
        finally
        {
            ExitRead(session, slot);
        }

        StateStoreMetrics.Operation(StoreKind, "scan", "ok", start);
        return ValueTask.FromResult(new StatePage(entries, continuation));
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StateChange> WatchAsync(string prefix, long afterRevision = StateVersion.Latest, CancellationToken cancellationToken = default)
    {
        _limits.ValidatePrefix(prefix);
        StateLimits.ValidateAfterRevision(afterRevision);
        ThrowIfDisposed();
        return _feed.WatchAsync(prefix, afterRevision, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return ValueTask.FromResult(Volatile.Read(ref _revision));
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

    private StateStoreMetrics StateStoreMetrics { get; }

    StateLimits IConditionalWriteStore.Limits => _limits;

    ValueTask<StateEntry?> ILeaseRecordStore.ReadLeaseRecordAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ReadEntry(key));

    ValueTask<StateWriteResult> ILeaseRecordStore.SwapLeaseRecordAsync(
        string key, long expectedVersion, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken) =>
        WriteAsync(key, expectedVersion, value, cancellationToken);

    /// <summary>Takes a checkpoint now (also done every checkpoint interval and on dispose), then truncates the log.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var exclusive = await EnterExclusiveAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            await CheckpointLockedAsync(rotateLog: false).ConfigureAwait(false);
        }
        finally
        {
            ExitExclusive(exclusive);
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer?.Dispose();
        var exclusive = await EnterExclusiveAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            try
            {
                await CheckpointLockedAsync(rotateLog: false).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or FasterException or InvalidOperationException)
            {
                Log.CheckpointFailed(_logger, e);
            }

            _feed.Complete();
            await _wal.DisposeAsync().ConfigureAwait(false);
            CloseFaster();
        }
        finally
        {
            ExitExclusive(exclusive);
        }
    }

    /// <summary>
    /// Closes the store the way a killed process would leave it: every acknowledged write is in the log,
    /// but no final checkpoint is taken. For recovery tests.
    /// </summary>
    internal async Task CloseWithoutCheckpointAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer?.Dispose();
        var exclusive = await EnterExclusiveAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _feed.Complete();
            await _wal.DisposeAsync().ConfigureAwait(false);
            CloseFaster();
        }
        finally
        {
            ExitExclusive(exclusive);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
