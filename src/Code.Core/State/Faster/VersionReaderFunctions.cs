using FASTER.core;

namespace Code.Core.State.Faster;

/// <summary>
/// FASTER callbacks for the writer session: reads copy only the 8-byte version header of a stored value,
/// so a compare-and-swap of a large value does not copy the old one; writes are FASTER's own.
/// </summary>
internal sealed class VersionReaderFunctions : SpanByteFunctions_ByteArrayOutput<Empty>
{
    private const int HeaderBytes = sizeof(long);

    public override bool SingleReader(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref byte[] dst, ref ReadInfo readInfo)
    {
        dst = value.AsReadOnlySpan()[..HeaderBytes].ToArray();
        return true;
    }

    public override bool ConcurrentReader(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref byte[] dst, ref ReadInfo readInfo)
    {
        dst = value.AsReadOnlySpan()[..HeaderBytes].ToArray();
        return true;
    }
}
