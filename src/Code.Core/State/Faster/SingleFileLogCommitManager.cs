using System.Buffers.Binary;
using System.IO.Hashing;
using FASTER.core;

namespace Code.Core.State.Faster;

/// <summary>
/// Keeps the write-ahead log's commit records in one file with two alternating slots, each with its own
/// checksum, written and flushed to disk in place. FASTER's default commit manager creates a new file per
/// commit and deletes the old one, which costs more than the log write itself; a torn slot write leaves
/// the other slot (the previous commit) intact.
/// </summary>
internal sealed class SingleFileLogCommitManager : ILogCommitManager
{
    private const int SlotSize = 16 * 1024;
    private const int HeaderSize = sizeof(int) + sizeof(long) + sizeof(ulong);

    private readonly FileStream _file;
    private readonly Lock _gate = new();

    public SingleFileLogCommitManager(string path)
    {
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
    }

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        ArgumentNullException.ThrowIfNull(commitMetadata);
        if (commitMetadata.Length > SlotSize - HeaderSize)
        {
            throw new InvalidOperationException($"A write-ahead log commit record of {commitMetadata.Length} bytes does not fit its {SlotSize}-byte slot.");
        }

        var slot = new byte[HeaderSize + commitMetadata.Length];
        BinaryPrimitives.WriteInt32LittleEndian(slot, commitMetadata.Length);
        BinaryPrimitives.WriteInt64LittleEndian(slot.AsSpan(4), commitNum);
        commitMetadata.CopyTo(slot, HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(slot.AsSpan(12), Checksum(slot));
        lock (_gate)
        {
            _file.Position = SlotOffset(commitNum);
            _file.Write(slot);
            _file.Flush(flushToDisk: true);
        }
    }

    public byte[] GetCommitMetadata(long commitNum)
    {
        lock (_gate)
        {
            var slot = ReadSlot(SlotOffset(commitNum));
            return slot is not null && slot.Value.CommitNum == commitNum ? slot.Value.Metadata : null!;
        }
    }

    public IEnumerable<long> ListCommits()
    {
        lock (_gate)
        {
            return new[] { ReadSlot(0), ReadSlot(SlotSize) }
                .Where(s => s is not null)
                .Select(s => s!.Value.CommitNum)
                .OrderDescending()
                .ToList();
        }
    }

    public void RemoveCommit(long commitNum)
    {
        lock (_gate)
        {
            if (ReadSlot(SlotOffset(commitNum)) is { } slot && slot.CommitNum == commitNum)
            {
                Clear(SlotOffset(commitNum));
            }
        }
    }

    public void RemoveAllCommits()
    {
        lock (_gate)
        {
            Clear(0);
            Clear(SlotSize);
        }
    }

    public void OnRecovery(long commitNum)
    {
    }

    public void Dispose() => _file.Dispose();

    private static long SlotOffset(long commitNum) => (commitNum & 1) * SlotSize;

    private static ulong Checksum(byte[] slot)
    {
        var hash = new XxHash64();
        hash.Append(slot.AsSpan(0, 12));
        hash.Append(slot.AsSpan(HeaderSize));
        return hash.GetCurrentHashAsUInt64();
    }

    private (long CommitNum, byte[] Metadata)? ReadSlot(long offset)
    {
        if (_file.Length < offset + HeaderSize)
        {
            return null;
        }

        var header = new byte[HeaderSize];
        _file.Position = offset;
        _file.ReadExactly(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is <= 0 or > SlotSize - HeaderSize || _file.Length < offset + HeaderSize + length)
        {
            return null;
        }

        var slot = new byte[HeaderSize + length];
        header.CopyTo(slot, 0);
        _file.ReadExactly(slot.AsSpan(HeaderSize));
        if (Checksum(slot) != BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(12)))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(4)), slot[HeaderSize..]);
    }

    private void Clear(long offset)
    {
        if (_file.Length >= offset + HeaderSize)
        {
            _file.Position = offset;
            _file.Write(new byte[HeaderSize]);
            _file.Flush(flushToDisk: true);
        }
    }
}
