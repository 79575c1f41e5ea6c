using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Code.Core.Persistence;
using Code.Core.Persistence.Protos;
using FASTER.core;
using Google.Protobuf;
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
internal sealed partial class FasterStateStore : IStateStore, IStateStoreRecovery, IDisposable, ILeaseRecordStore
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
    public async ValueTask<long> PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        _limits.ValidateKey(key);
        _limits.ValidateValue(key, value);
        var result = await WriteAsync(key, StateVersion.Any, value, cancellationToken).ConfigureAwait(false);
        StateStoreMetrics.Operation(StoreKind, "put", "ok", start);
        return result.Version;
    }

    /// <inheritdoc />
    public async ValueTask<StateWriteResult> CompareAndSwapAsync(
        string key, long expectedVersion, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        _limits.ValidateKey(key);
        StateLimits.ValidateExpectedVersion(expectedVersion, allowAny: false);
        _limits.ValidateValue(key, value);
        var result = await WriteAsync(key, expectedVersion, value, cancellationToken).ConfigureAwait(false);
        StateStoreMetrics.Operation(StoreKind, "cas", result.Succeeded ? "ok" : "conflict", start);
        return result;
    }

    /// <inheritdoc />
    public async ValueTask<StateWriteResult> DeleteAsync(string key, long expectedVersion = StateVersion.Any, CancellationToken cancellationToken = default)
    {
        var start = StateStoreMetrics.Start();
        _limits.ValidateKey(key);
        StateLimits.ValidateExpectedVersion(expectedVersion, allowAny: true);
        var result = await WriteAsync(key, expectedVersion, null, cancellationToken).ConfigureAwait(false);
        StateStoreMetrics.Operation(StoreKind, "delete", result.Succeeded ? "ok" : "conflict", start);
        return result;
    }

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

    /// <summary>
    /// Takes the store for a checkpoint or close: writers that come later wait on the returned task;
    /// writers already inside the (synchronous) write section finish first, because this takes the gate.
    /// </summary>
    private async Task<TaskCompletionSource> EnterExclusiveAsync(CancellationToken cancellationToken)
    {
        await _exclusiveLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        var exclusive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_writeGate)
        {
            _exclusive = exclusive.Task;
        }

        return exclusive;
    }

    private void ExitExclusive(TaskCompletionSource exclusive)
    {
        lock (_writeGate)
        {
            _exclusive = null;
        }

        exclusive.SetResult();
        _exclusiveLock.Release();
    }

    private async ValueTask<StateWriteResult> WriteAsync(string key, long expectedVersion, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken)
    {
        // Compression and encryption happen before the write section, so they do not hold up other writers.
        var encoded = value is null ? null : _codec.Encode(key, value.Value.Span);
        var change = value is null ? ReadOnlyMemory<byte>.Empty : value.Value.ToArray();
        Task durable;
        StateWriteResult result;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task? exclusive;
            lock (_writeGate)
            {
                exclusive = _exclusive;
                if (exclusive is null)
                {
                    ThrowIfDisposed();
                    var applied = WriteLocked(key, expectedVersion, encoded, change);
                    if (applied.Durable is null)
                    {
                        return applied.Result;
                    }

                    durable = applied.Durable;
                    result = applied.Result;
                    break;
                }
            }

            // A checkpoint or close has the store: wait for it, then try again.
            await exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The write is applied; only the wait for the disk remains, and it is not cancellable.
        await durable.ConfigureAwait(false);
        return result;
    }

    /// <summary>Checks the version, then logs and applies one write. Runs inside the write gate, synchronously.</summary>
    /// <returns>The result, and the task of the log flush when the write happened.</returns>
    private (StateWriteResult Result, Task? Durable) WriteLocked(string key, long expectedVersion, byte[]? encoded, ReadOnlyMemory<byte> change)
    {
        var stored = ReadStored(_writer, key);
        var currentVersion = stored is null ? StateVersion.Absent : BinaryPrimitives.ReadInt64LittleEndian(stored);
        if ((expectedVersion != StateVersion.Any && expectedVersion != currentVersion) || (encoded is null && stored is null))
        {
            return (new StateWriteResult(false, currentVersion), null);
        }

        var revision = _revision + 1;
        var record = new StateLogRecord { Revision = revision, Key = key, Deleted = encoded is null };
        if (encoded is not null)
        {
            record.Value = UnsafeByteOperations.UnsafeWrap(encoded);
        }

        var durable = _wal.Append(record.ToByteArray());
        Apply(key, revision, encoded);
        _feed.Publish(new StateChange(revision, encoded is null ? StateChangeKind.Delete : StateChangeKind.Put, key, change));
        return (new StateWriteResult(true, revision), durable);
    }

    /// <summary>Applies a write (live or replayed) to FASTER and the key index. Runs inside the write gate, or while the store is held exclusively (checkpoint, recovery).</summary>
    private void Apply(string key, long revision, byte[]? encoded)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        using var keyPin = keyBytes.AsMemory().Pin();
        var keySpan = SpanByte.FromFixedSpan(keyBytes.AsSpan());
        if (encoded is null)
        {
            _writer.Delete(ref keySpan);
            lock (_keysGate)
            {
                _keys.Remove(key);
            }
        }
        else
        {
            var valueBytes = new byte[VersionBytes + encoded.Length];
            BinaryPrimitives.WriteInt64LittleEndian(valueBytes, revision);
            encoded.CopyTo(valueBytes.AsSpan(VersionBytes));
            using var valuePin = valueBytes.AsMemory().Pin();
            var valueSpan = SpanByte.FromFixedSpan(valueBytes.AsSpan());
            _writer.Upsert(ref keySpan, ref valueSpan);
            lock (_keysGate)
            {
                _keys.Add(key);
            }
        }

        Volatile.Write(ref _revision, revision);
    }

    private StateEntry? ReadEntry(string key)
    {
        var session = EnterRead(out var slot);
        try
        {
            var stored = ReadStored(session, key);
            return stored is null ? null : ToEntry(key, stored);
        }
        finally
        {
            ExitRead(session, slot);
        }
    }

    /// <summary>Reads a key whose UTF-8 bytes are in fixed (stack) memory.</summary>
    private StateEntry? ReadEntry(string key, Span<byte> fixedKey)
    {
        var session = EnterRead(out var slot);
        try
        {
            var stored = ReadStored(session, fixedKey);
            return stored is null ? null : ToEntry(key, stored);
        }
        finally
        {
            ExitRead(session, slot);
        }
    }

    /// <summary>
    /// Encodes a caller's key to UTF-8 in <paramref name="buffer"/>, applying the same rules as
    /// <see cref="StateLimits.ValidateKey"/> in the same pass; a key that breaks one gets that method's error.
    /// </summary>
    private Span<byte> EncodeValidKey(string key, Span<byte> buffer)
    {
        if (Utf8.FromUtf16(key, buffer, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
            && written <= _limits.MaxKeyBytes
            && !StateLimits.IsReserved(key))
        {
            return buffer[..written];
        }

        _limits.ValidateKey(key);
        throw new UnreachableException($"The state key '{key}' failed the fast key check but passed StateLimits.ValidateKey.");
    }

    /// <summary>
    /// Takes a reader session, then checks the store is open. Closing takes every reader session back
    /// (waiting for those in use), so no read touches a closed FASTER, and readers share no counter.
    /// </summary>
    private Session EnterRead(out int slot)
    {
        var session = _readers.Take(_newReaderSession, out slot);
        if (session is null)
        {
            ThrowIfDisposed();
            throw new InvalidOperationException("The state store has no FASTER store open.");
        }

        // The take was an interlocked exchange (a full fence), so a close that began before it is seen here.
        if (Volatile.Read(ref _disposed) != 0)
        {
            _readers.Return(session, slot);
            ThrowIfDisposed();
        }

        return session;
    }

    private void ExitRead(Session session, int slot) => _readers.Return(session, slot);

    /// <summary>Makes a reader session; runs under the reader sessions' gate, which closing holds.</summary>
    private Session? NewReaderSession() =>
        Volatile.Read(ref _disposed) != 0 || _kv is null
            ? null
            : _kv.For(new SpanByteFunctions_ByteArrayOutput<Empty>()).NewSession<SpanByteFunctions_ByteArrayOutput<Empty>>();

    private StateEntry ToEntry(string key, byte[] stored) =>
        new(key, _codec.Decode(key, stored.AsMemory(VersionBytes)), BinaryPrimitives.ReadInt64LittleEndian(stored));

    private static byte[]? ReadStored<TFunctions>(ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, TFunctions> session, string key)
        where TFunctions : IFunctions<SpanByte, SpanByte, SpanByte, byte[], Empty>
    {
        if (key.Length <= StackKeyBytes / 3)
        {
            // Sized to the key (stack memory is zeroed on every call), at most 3 bytes per UTF-16 unit.
            Span<byte> buffer = stackalloc byte[key.Length * 3];
            var length = Encoding.UTF8.GetBytes(key, buffer);
            return ReadStored(session, buffer[..length]);
        }

        var heapKey = Encoding.UTF8.GetBytes(key);
        using var pin = heapKey.AsMemory().Pin();
        return ReadStored(session, heapKey.AsSpan());
    }

    /// <summary>Reads the stored bytes of a key whose UTF-8 bytes are in fixed (stack or pinned) memory.</summary>
    private static byte[]? ReadStored<TFunctions>(ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, TFunctions> session, Span<byte> fixedKey)
        where TFunctions : IFunctions<SpanByte, SpanByte, SpanByte, byte[], Empty>
    {
        var key = SpanByte.FromFixedSpan(fixedKey);
        SpanByte input = default;
        byte[] output = null!;
        var status = session.Read(ref key, ref input, ref output, Empty.Default, 0);
        if (status.IsPending)
        {
            session.CompletePendingWithOutputs(out var outputs, wait: true);
            using (outputs)
            {
                if (outputs.Next())
                {
                    status = outputs.Current.Status;
                    output = outputs.Current.Output;
                }
            }
        }

        return status.Found ? output : null;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private async Task CheckpointFromTimerAsync()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            await CheckpointAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception e) when (e is IOException or FasterException or InvalidOperationException)
        {
            Log.CheckpointFailed(_logger, e);
        }
    }

    /// <summary>Checkpoints FASTER, records the manifest, prunes old checkpoints and truncates the log. Runs inside the write gate, or while the store is held exclusively (checkpoint, recovery).</summary>
    private async Task CheckpointLockedAsync(bool rotateLog)
    {
        if (!rotateLog && _revision == _checkpointRevision)
        {
            return;
        }

        var start = StateStoreMetrics.Start();
        var succeeded = false;
        try
        {
            var generation = rotateLog ? _walGeneration + 1 : _walGeneration;

            // The manifest says "the log continues at this address". If entries before it were not yet on
            // disk, a crash would let the log restart below it and the next recovery would skip writes made
            // after the restart; so everything appended so far is committed first.
            await _wal.CommitAppendedAsync().ConfigureAwait(false);
            var address = rotateLog ? 0 : _wal.TailAddress;
            var (ok, token) = await _kv.TakeFullCheckpointAsync(CheckpointType.Snapshot).ConfigureAwait(false);
            if (!ok)
            {
                throw new InvalidOperationException("FASTER did not take the checkpoint.");
            }

            _catalog.Write(new CheckpointManifest
            {
                Token = token.ToString(),
                Revision = _revision,
                LogGeneration = generation,
                LogAddress = address,
                CreatedUnixMs = _settings.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            });

            if (rotateLog)
            {
                await _wal.DisposeAsync().ConfigureAwait(false);
                _wal = GroupCommitLog.Open(WalDirectory(generation), VersionBytes + MaxStoredValueBytes + _limits.MaxKeyBytes + 64);
                _walGeneration = generation;
            }

            _checkpointRevision = _revision;
            Prune(rotateLog ? 1 : Math.Max(2, _settings.RetainedCheckpoints));
            succeeded = true;
        }
        finally
        {
            StateStoreMetrics.Checkpoint(Stopwatch.GetElapsedTime(start), succeeded);
        }
    }

    private void Prune(int keep)
    {
        var entries = _catalog.LoadNewestFirst();
        var retained = entries.Where(e => e.Manifest is not null).Take(keep).ToList();
        foreach (var entry in entries.Except(retained))
        {
            CheckpointCatalog.Delete(entry.Path);
            if (entry.Manifest is not null && Guid.TryParse(entry.Manifest.Token, out var token))
            {
                _checkpoints.Purge(token);
            }
        }

        var oldest = retained.LastOrDefault()?.Manifest;
        if (oldest is null)
        {
            return;
        }

        if (oldest.LogGeneration == _walGeneration)
        {
            _wal.TruncateUntil(oldest.LogAddress);
        }

        foreach (var (generation, directory) in WalGenerations())
        {
            if (generation < oldest.LogGeneration)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private string WalDirectory(long generation) =>
        Path.Combine(_settings.Directory, string.Create(CultureInfo.InvariantCulture, $"wal-{generation:D6}"));

    private List<(long Generation, string Directory)> WalGenerations() =>
        Directory.GetDirectories(_settings.Directory, "wal-*")
            .Select(d => (Ok: long.TryParse(Path.GetFileName(d).AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var g), Generation: g, Directory: d))
            .Where(x => x.Ok)
            .Select(x => (x.Generation, x.Directory))
            .OrderBy(x => x.Generation)
            .ToList();

    private void OpenFaster()
    {
        Directory.CreateDirectory(KvDirectory);
        var recordBytes = _limits.MaxKeyBytes + MaxStoredValueBytes + 64;
        var pageBits = Math.Max(16, (int)Math.Ceiling(Math.Log2(recordBytes)));
        var memoryBits = Math.Max(pageBits + 2, (int)Math.Floor(Math.Log2(Math.Max(_settings.CacheSizeBytes, 1))));
        _kvDevice = Devices.CreateLogDevice(Path.Combine(KvDirectory, "hlog.log"), preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        _checkpoints = new DeviceLogCommitCheckpointManager(
            new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(CheckpointDirectory), removeOutdated: false);
        _kv = new FasterKV<SpanByte, SpanByte>(new FasterKVSettings<SpanByte, SpanByte>
        {
            IndexSize = _settings.IndexBuckets * 64,
            LogDevice = _kvDevice,
            PageSize = 1L << pageBits,
            MemorySize = 1L << memoryBits,
            SegmentSize = 1L << Math.Max(pageBits + 2, 28),
            CheckpointManager = _checkpoints,
            RemoveOutdatedCheckpoints = false,
            TryRecoverLatest = false,
        });
    }

    private void CloseFaster()
    {
        // Takes back every reader session: no read is running, and none can start (disposed is set).
        _readers.Close();
        _writer?.Dispose();
        _writer = null!;
        _kv?.Dispose();
        _kvDevice?.Dispose();
        _checkpoints?.Dispose();
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_settings.Directory);
        var manifests = _catalog.LoadNewestFirst();
        var rejected = new List<string>();
        var rejectedPaths = new List<string>();
        CheckpointManifest? chosen = null;
        foreach (var entry in manifests)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problem = entry.Error ?? _catalog.Verify(entry.Manifest!);
            if (problem is null)
            {
                OpenFaster();
                try
                {
                    _kv.Recover(Guid.Parse(entry.Manifest!.Token));
                    chosen = entry.Manifest;
                    break;
                }
                catch (Exception e) when (e is FasterException or IOException or FormatException or InvalidOperationException or ArgumentException)
                {
                    problem = $"FASTER could not recover it ({e.Message})";
                    CloseFaster();
                }
            }

            rejected.Add($"{Path.GetFileName(entry.Path)}: {problem}");
            rejectedPaths.Add(entry.Path);
            Log.CheckpointRejected(_logger, Path.GetFileName(entry.Path), problem);
        }

        if (chosen is null)
        {
            if (manifests.Count > 0 && Directory.Exists(KvDirectory))
            {
                Directory.Delete(KvDirectory, recursive: true);
            }

            OpenFaster();
        }

        _writer = _kv.For(new VersionReaderFunctions()).NewSession<VersionReaderFunctions>();
        RebuildKeyIndex();
        _revision = chosen?.Revision ?? 0;
        var checkpointRevision = _revision;

        var generations = WalGenerations();
        var firstGeneration = chosen?.LogGeneration ?? (generations.Count > 0 ? generations[0].Generation : 1);
        var lastGeneration = Math.Max(firstGeneration, generations.Count > 0 ? generations[^1].Generation : firstGeneration);
        StateLogDamage? damage = null;
        long replayed = 0;
        for (var generation = firstGeneration; generation <= lastGeneration; generation++)
        {
            var log = GroupCommitLog.Open(WalDirectory(generation), VersionBytes + MaxStoredValueBytes + _limits.MaxKeyBytes + 64);
            var from = generation == firstGeneration ? chosen?.LogAddress ?? 0 : 0;
            if (chosen is null && generation == firstGeneration && log.BeginAddress > from && manifests.Count > 0)
            {
                await log.DisposeAsync().ConfigureAwait(false);
                throw new InvalidDataException(
                    $"The state store in '{_settings.Directory}' cannot be recovered: no checkpoint is usable ({string.Join("; ", rejected)}) and its log no longer starts at the beginning.");
            }

            damage ??= log.Replay(from, payload => ReplayRecord(payload, ref replayed));
            if (generation == lastGeneration)
            {
                _wal = log;
                _walGeneration = generation;
            }
            else
            {
                await log.DisposeAsync().ConfigureAwait(false);
            }

            if (damage is not null && generation < lastGeneration)
            {
                // Later generations follow a gap; they are dropped with the damage.
                damage = damage with { Reason = damage.Reason + $" in log generation {generation}; later generations dropped" };
            }
        }

        _feed = new StateChangeFeed(_settings.HistoryCapacity, _revision);
        _checkpointRevision = chosen is null ? -1 : checkpointRevision;
        Recovery = new StateRecoveryReport(chosen?.Token, checkpointRevision, rejected, replayed, _revision, damage);
        Log.Recovered(_logger, _settings.Directory, chosen?.Token ?? "none", checkpointRevision, replayed, _revision);
        if (damage is not null)
        {
            Log.LogDamaged(_logger, _settings.Directory, damage.Address, damage.Bytes, damage.Reason, _revision);
            await CheckpointLockedAsync(rotateLog: true).ConfigureAwait(false);
        }
        else if (rejected.Count > 0)
        {
            await CheckpointLockedAsync(rotateLog: false).ConfigureAwait(false);
        }

        // Rejected manifests are kept for inspection but never tried again.
        foreach (var path in rejectedPaths.Where(File.Exists))
        {
            File.Move(path, path + ".rejected", overwrite: true);
        }
    }

    private bool ReplayRecord(ReadOnlyMemory<byte> payload, ref long replayed)
    {
        StateLogRecord record;
        try
        {
            record = StateLogRecord.Parser.ParseFrom(payload.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }

        if (record.Revision != _revision + 1 || record.Key.Length == 0 || (!record.Deleted && record.Value.IsEmpty))
        {
            return false;
        }

        Apply(record.Key, record.Revision, record.Deleted ? null : record.Value.ToByteArray());
        replayed++;
        return true;
    }

    private void RebuildKeyIndex()
    {
        using var iterator = _writer.Iterate();
        while (iterator.GetNext(out _))
        {
            _keys.Add(Encoding.UTF8.GetString(iterator.GetKey().AsReadOnlySpan()));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "State store {Directory} opened from checkpoint {Checkpoint} (revision {CheckpointRevision}) plus {Replayed} log records: revision {Revision}.")]
        public static partial void Recovered(ILogger logger, string directory, string checkpoint, long checkpointRevision, long replayed, long revision);

        [LoggerMessage(2, LogLevel.Warning, "State store checkpoint {Manifest} is not usable: {Problem}. Falling back to an older checkpoint.")]
        public static partial void CheckpointRejected(ILogger logger, string manifest, string problem);

        [LoggerMessage(3, LogLevel.Error, "State store {Directory}: the write-ahead log is damaged at address {Address} ({Reason}); dropped {Bytes} bytes after the last valid write, revision {Revision}.")]
        public static partial void LogDamaged(ILogger logger, string directory, long address, long bytes, string reason, long revision);

        [LoggerMessage(4, LogLevel.Error, "State store checkpoint failed; the write-ahead log keeps every write until the next one succeeds.")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);
    }
}
