using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Code.Core.Persistence.Protos;
using Google.Protobuf;

namespace Code.Core.Persistence;

/// <summary>
/// The audit log's file format: length-prefixed <see cref="AuditRecord"/> frames, each holding the SHA-256
/// of the frame before it. Reads frames and walks the hash chain; shared by opening and verifying.
/// </summary>
internal static class AuditChain
{
    /// <summary>The largest record a frame may hold.</summary>
    public const int MaxRecordBytes = 256 * 1024;

    /// <summary>The hash the first entry links to (32 zero bytes), and the head hash of an empty log.</summary>
    public static ReadOnlySpan<byte> GenesisHash => new byte[32];

    /// <summary>Reads length-prefixed frames from the start of <paramref name="stream"/> up to <paramref name="limit"/> bytes.</summary>
    /// <returns>The frames; a frame cut off by the limit, or whose length prefix is impossible, has null bytes and ends the sequence.</returns>
    public static IEnumerable<Frame> Frames(Stream stream, long limit)
    {
        stream.Position = 0;
        var header = new byte[4];
        while (stream.Position < limit)
        {
            var start = stream.Position;
            var available = limit - start;
            if (available < 4)
            {
                yield return new Frame(start, -1, null);
                yield break;
            }

            stream.ReadExactly(header);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length is < 0 or > MaxRecordBytes || available - 4 < length)
            {
                yield return new Frame(start, length, null);
                yield break;
            }

            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            yield return new Frame(start, length, bytes);
        }
    }

    /// <summary>Walks the chain from the start: every entry must parse, be numbered one after the last, and link to its hash.</summary>
    /// <param name="stream">The log.</param>
    /// <param name="limit">How many bytes of the log to read.</param>
    /// <param name="maxEntries">Stops after this many good entries.</param>
    public static Walk Check(Stream stream, long limit, long maxEntries = long.MaxValue)
    {
        var previous = GenesisHash.ToArray();
        long entries = 0;
        long end = 0;
        foreach (var frame in Frames(stream, limit))
        {
            if (entries == maxEntries)
            {
                break;
            }

            var problem = ProblemOf(frame, entries + 1, previous, limit);
            if (problem is not null)
            {
                return new Walk(entries, previous, end, problem);
            }

            previous = SHA256.HashData(frame.Bytes!);
            entries++;
            end = frame.Start + 4 + frame.Bytes!.Length;
        }

        return new Walk(entries, previous, end, null);
    }

    /// <summary>Parses a record, or returns null when the bytes are not one.</summary>
    public static AuditRecord? TryParse(byte[] bytes)
    {
        try
        {
            return AuditRecord.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>Frames a record: its length (4 bytes, little-endian), then its bytes.</summary>
    public static byte[] FrameOf(byte[] record)
    {
        var frame = new byte[4 + record.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, record.Length);
        record.CopyTo(frame, 4);
        return frame;
    }

    private static string? ProblemOf(Frame frame, long expected, byte[] previous, long limit)
    {
        if (frame.Bytes is null)
        {
            return frame.Length < 0 && limit - frame.Start < 4
                ? string.Create(CultureInfo.InvariantCulture, $"the entry at byte {frame.Start} is cut off inside its length prefix")
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"the entry at byte {frame.Start} is cut off, or its length prefix is damaged (it claims {frame.Length} bytes; {limit - frame.Start - 4} follow; an entry is at most {MaxRecordBytes})");
        }

        var record = TryParse(frame.Bytes);
        if (record is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the entry at byte {frame.Start} is not a valid audit record");
        }

        if (record.Sequence != expected)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the entry has sequence number {record.Sequence} (an entry was removed, inserted or reordered)");
        }

        return record.PreviousHash.Span.SequenceEqual(previous)
            ? null
            : "the entry does not link to the hash of the entry before it (this or the previous entry was changed)";
    }

    /// <summary>A frame of the log.</summary>
    /// <param name="Start">Its offset.</param>
    /// <param name="Length">The length its prefix claims (-1 when the prefix itself is cut off).</param>
    /// <param name="Bytes">The record bytes, or null when the frame is cut off or its length is impossible.</param>
    public readonly record struct Frame(long Start, int Length, byte[]? Bytes);

    /// <summary>The outcome of <see cref="Check"/>.</summary>
    /// <param name="Entries">How many entries from the start are good.</param>
    /// <param name="HeadHash">The hash of the last good entry (the genesis hash when none).</param>
    /// <param name="End">The offset just after the last good entry.</param>
    /// <param name="Problem">What is wrong with entry <c>Entries + 1</c>, or null when the walk reached its end.</param>
    public sealed record Walk(long Entries, byte[] HeadHash, long End, string? Problem);
}
