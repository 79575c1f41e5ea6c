using System.Buffers;

namespace Code.Core.Tests.Messaging;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> of several segments, to test code against data split anywhere.</summary>
internal sealed class SegmentedSequence : ReadOnlySequenceSegment<byte>
{
    private SegmentedSequence(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var bounds = new List<int> { 0 };
        bounds.AddRange(cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order());
        bounds.Add(bytes.Length);
        SegmentedSequence? first = null, last = null;
        for (int i = 0; i + 1 < bounds.Count; i++)
        {
            // Each segment gets its own array, as a real pipe's segments would.
            byte[] copy = bytes[bounds[i]..bounds[i + 1]];
            var segment = new SegmentedSequence(copy, bounds[i]);
            if (first is null)
            {
                first = segment;
            }
            else
            {
                last!.Next = segment;
            }

            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    public static ReadOnlySequence<byte> EveryByte(byte[] bytes) => Split(bytes, [.. Enumerable.Range(1, Math.Max(0, bytes.Length - 1))]);
}
