using System.Text;
using Code.Core.Persistence.Protos;
using FASTER.core;
using Google.Protobuf;

namespace Code.Core.State.Faster;

/// <content>Recovery on open: newest intact checkpoint, then replay of the write-ahead log tail.</content>
internal sealed partial class FasterStateStore
{
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
            log.StateStoreMetrics = StateStoreMetrics;
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

        _feed = new StateChangeFeed(_settings.HistoryCapacity, _revision, _settings.Limits.MaxHistoryBytes);
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
}
