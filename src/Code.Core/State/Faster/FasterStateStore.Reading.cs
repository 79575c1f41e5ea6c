using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Unicode;
using FASTER.core;

namespace Code.Core.State.Faster;

/// <content>Reads: key encoding, reader sessions from the per-processor cache, decoding stored values.</content>
internal sealed partial class FasterStateStore
{
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
}
