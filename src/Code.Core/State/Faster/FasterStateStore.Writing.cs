using System.Buffers.Binary;
using System.Text;
using Code.Core.Persistence.Protos;
using FASTER.core;
using Google.Protobuf;

namespace Code.Core.State.Faster;

/// <content>Writes: the exclusive write section, the write-ahead log append and the change applied to FASTER.</content>
internal sealed partial class FasterStateStore
{
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

    /// <inheritdoc />
    public async ValueTask<StateWriteResult> WriteAsync(string key, long expectedVersion, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken)
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
}
