using System.Diagnostics;
using System.Globalization;
using Code.Core.Persistence.Protos;
using FASTER.core;

namespace Code.Core.State.Faster;

/// <content>Checkpoints: periodic and on close, pruning old ones, write-ahead log generations, opening and closing FASTER.</content>
internal sealed partial class FasterStateStore
{
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
                _wal.StateStoreMetrics = StateStoreMetrics;
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
}
