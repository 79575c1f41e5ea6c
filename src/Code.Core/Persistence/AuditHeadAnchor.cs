using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Code.Core.Persistence;

/// <summary>
/// The head of the audit log kept outside the log file (<c>audit.log.head</c>): the sequence number, hash
/// and end offset of the last acknowledged entry. An append is acknowledged only once its head is here, so
/// a log that ends before the head, or whose entry differs from it, was cut off or changed.
/// </summary>
/// <remarks>
/// Two checksummed 64-byte slots, written alternately (by sequence number) and flushed in place: a torn
/// write spoils one slot and leaves the other, one entry older. A slot: sequence (8 bytes), end offset (8),
/// SHA-256 of the entry (32), XxHash64 of those 48 bytes (8), zero (8); integers little-endian.
/// </remarks>
internal sealed class AuditHeadAnchor : IDisposable
{
    private const int SlotSize = 64;
    private const int ChecksummedBytes = 48;

    private readonly SafeFileHandle _file;

    private AuditHeadAnchor(SafeFileHandle file, string path)
    {
        _file = file;
        Path = path;
    }

    /// <summary>Gets the anchor file's path.</summary>
    public string Path { get; }

    /// <summary>Opens (or creates, empty) the anchor file.</summary>
    public static AuditHeadAnchor Open(string path) =>
        new(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read), path);

    /// <summary>Reads the newest valid head.</summary>
    /// <returns>The head; <see langword="null"/> when the file is empty (no head was ever written).</returns>
    /// <exception cref="InvalidDataException">The file holds data but no valid slot.</exception>
    public AuditHead? Read()
    {
        var length = RandomAccess.GetLength(_file);
        if (length == 0)
        {
            return null;
        }

        var bytes = new byte[2 * SlotSize];
        var read = RandomAccess.Read(_file, bytes, 0);
        AuditHead? newest = null;
        for (var slot = 0; slot < 2; slot++)
        {
            if (read >= (slot + 1) * SlotSize && Parse(bytes.AsSpan(slot * SlotSize, SlotSize)) is { } head
                && (newest is null || head.Sequence > newest.Sequence))
            {
                newest = head;
            }
        }

        return newest ?? throw new InvalidDataException(
            $"The audit log's head anchor '{Path}' is damaged: neither of its slots is valid.");
    }

    /// <summary>Writes a head into its slot and flushes it to disk.</summary>
    /// <param name="head">The head.</param>
    /// <param name="slotOf">Writes into the slot of this sequence number instead of the head's own (to overwrite a failed append's slot).</param>
    public void Write(AuditHead head, long? slotOf = null)
    {
        var slot = new byte[SlotSize];
        BinaryPrimitives.WriteInt64LittleEndian(slot, head.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(slot.AsSpan(8), head.End);
        head.Hash.CopyTo(slot.AsSpan(16, 32));
        BinaryPrimitives.WriteUInt64LittleEndian(slot.AsSpan(ChecksummedBytes), XxHash64.HashToUInt64(slot.AsSpan(0, ChecksummedBytes)));
        RandomAccess.Write(_file, slot, (slotOf ?? head.Sequence) % 2 * SlotSize);
        RandomAccess.FlushToDisk(_file);
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private static AuditHead? Parse(ReadOnlySpan<byte> slot)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(slot[ChecksummedBytes..]) != XxHash64.HashToUInt64(slot[..ChecksummedBytes]))
        {
            return null;
        }

        var sequence = BinaryPrimitives.ReadInt64LittleEndian(slot);
        var end = BinaryPrimitives.ReadInt64LittleEndian(slot[8..]);
        return sequence < 0 || end < 0 ? null : new AuditHead(sequence, end, slot.Slice(16, 32).ToArray());
    }
}

/// <summary>The last acknowledged entry of the audit log.</summary>
/// <param name="Sequence">Its sequence number (0 for an empty log).</param>
/// <param name="End">The log's length just after it.</param>
/// <param name="Hash">Its SHA-256 (the genesis hash for an empty log).</param>
internal sealed record AuditHead(long Sequence, long End, byte[] Hash);
