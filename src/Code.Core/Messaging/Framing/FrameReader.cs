using System.Buffers;
using System.Buffers.Text;

namespace Code.Core.Messaging.Framing;

/// <summary>
/// Cuts messages out of the bytes read from a transport without copying them: each frame is a slice
/// of the reader's <see cref="ReadOnlySequence{T}"/>, valid until the reader advances. Remembers how far
/// it has scanned, so a large message arriving in many reads is scanned once, and skips the rest of an
/// oversize message as it arrives.
/// </summary>
internal sealed class FrameReader
{
    private static ReadOnlySpan<byte> HeaderTerminator => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> ContentLengthName => "content-length"u8;

    private readonly MessageFraming _framing;
    private readonly int _maxMessageSize;
    private long _scanned;
    private long _skipRemaining;
    private bool _skipToNewline;

    public FrameReader(MessageFraming framing, int maxMessageSize)
    {
        _framing = framing;
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>Gets the declared length of the last oversize message, or -1 when unknown (newline framing).</summary>
    public long LastOversizeLength { get; private set; } = -1;

    /// <summary>Gets a description of the last malformed input.</summary>
    public string? LastProblem { get; private set; }

    /// <summary>Reads the next frame from <paramref name="buffer"/>, which is advanced past what was consumed.</summary>
    /// <returns><see langword="false"/> when more bytes are needed.</returns>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameStatus status)
        => _framing == MessageFraming.NewlineDelimited
            ? TryReadLine(ref buffer, out frame, out status)
            : TryReadContentLength(ref buffer, out frame, out status);

    private bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameStatus status)
    {
        while (true)
        {
            if (!_skipToNewline && TryReadLineInFirstSpan(ref buffer, out frame, out status, out bool blank))
            {
                if (blank)
                {
                    continue;
                }

                return true;
            }

            if (_skipToNewline)
            {
                SequencePosition? end = buffer.PositionOf((byte)'\n');
                if (end is null)
                {
                    buffer = buffer.Slice(buffer.End);
                    break;
                }

                buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
                _skipToNewline = false;
                _scanned = 0;
            }

            // Scan only bytes not scanned before, and no further than a message may be long.
            long limit = Math.Min(buffer.Length, (long)_maxMessageSize + 2);
            SequencePosition? newline = limit > _scanned ? buffer.Slice(_scanned, limit - _scanned).PositionOf((byte)'\n') : null;
            if (newline is null)
            {
                if (buffer.Length > (long)_maxMessageSize + 1)
                {
                    frame = buffer.Slice(0, _maxMessageSize);
                    status = FrameStatus.Oversize;
                    LastOversizeLength = -1;
                    buffer = buffer.Slice(limit);
                    _skipToNewline = true;
                    _scanned = 0;
                    return true;
                }

                _scanned = limit;
                break;
            }

            _scanned = 0;
            ReadOnlySequence<byte> line = buffer.Slice(0, newline.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            line = TrimWhitespace(line);
            if (line.IsEmpty)
            {
                continue;
            }

            if (line.Length > _maxMessageSize)
            {
                frame = line.Slice(0, _maxMessageSize);
                status = FrameStatus.Oversize;
                LastOversizeLength = line.Length;
                return true;
            }

            frame = line;
            status = FrameStatus.Message;
            return true;
        }

        frame = default;
        status = default;
        return false;
    }

    /// <summary>
    /// The usual case: the next newline is in the first segment. Finds it and trims the line on the span, slicing the
    /// sequence once for the frame and once for the rest, instead of walking the sequence. Returns false (having
    /// changed nothing) when the newline is not in the first segment, so the general path handles it.
    /// </summary>
    private bool TryReadLineInFirstSpan(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameStatus status, out bool blank)
    {
        frame = default;
        status = default;
        blank = false;
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        long limit = Math.Min(first.Length, (long)_maxMessageSize + 2);
        if (limit <= _scanned)
        {
            return false;
        }

        int newline = first[(int)_scanned..(int)limit].IndexOf((byte)'\n');
        if (newline < 0)
        {
            return false;
        }

        newline += (int)_scanned;
        _scanned = 0;
        int start = 0;
        int end = newline;
        while (start < end && IsWhitespace(first[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(first[end - 1]))
        {
            end--;
        }

        ReadOnlySequence<byte> line = buffer.Slice(start, end - start);
        buffer = buffer.Slice(newline + 1);
        if (end == start)
        {
            blank = true;
            return true;
        }

        if (end - start > _maxMessageSize)
        {
            frame = line.Slice(0, _maxMessageSize);
            status = FrameStatus.Oversize;
            LastOversizeLength = end - start;
            return true;
        }

        frame = line;
        status = FrameStatus.Message;
        return true;
    }

    private bool TryReadContentLength(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameStatus status)
    {
        frame = default;
        status = default;
        while (true)
        {
            if (_skipRemaining > 0)
            {
                long n = Math.Min(_skipRemaining, buffer.Length);
                buffer = buffer.Slice(n);
                _skipRemaining -= n;
                if (_skipRemaining > 0)
                {
                    return false;
                }
            }

            // Blank lines between messages are tolerated.
            while (!buffer.IsEmpty && IsWhitespace(buffer.FirstSpan[0]))
            {
                buffer = buffer.Slice(1);
            }

            if (buffer.IsEmpty)
            {
                return false;
            }

            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadTo(out ReadOnlySequence<byte> headers, HeaderTerminator, advancePastDelimiter: true))
            {
                if (buffer.Length > MessagingDefaults.MaxHeaderBlockSize)
                {
                    LastProblem = $"No end of the header block within {MessagingDefaults.MaxHeaderBlockSize} bytes; {buffer.Length} bytes discarded.";
                    buffer = buffer.Slice(buffer.End);
                    status = FrameStatus.Malformed;
                    return true;
                }

                return false;
            }

            string? problem = null;
            long length = -1;
            if (headers.Length > MessagingDefaults.MaxHeaderBlockSize || !TryParseContentLength(headers, out length, out problem))
            {
                LastProblem = problem ?? $"The header block is longer than {MessagingDefaults.MaxHeaderBlockSize} bytes.";
                buffer = buffer.Slice(reader.Position);
                status = FrameStatus.Malformed;
                return true;
            }

            ReadOnlySequence<byte> body = buffer.Slice(reader.Position);
            if (length > _maxMessageSize)
            {
                frame = body.Slice(0, Math.Min(body.Length, _maxMessageSize));
                status = FrameStatus.Oversize;
                LastOversizeLength = length;
                buffer = body;
                _skipRemaining = length;
                return true;
            }

            if (body.Length < length)
            {
                return false;
            }

            frame = body.Slice(0, length);
            buffer = body.Slice(length);
            if (TrimWhitespace(frame).IsEmpty)
            {
                continue;
            }

            status = FrameStatus.Message;
            return true;
        }
    }

    private static bool TryParseContentLength(ReadOnlySequence<byte> headers, out long length, out string? problem)
    {
        length = -1;
        problem = null;
        Span<byte> block = headers.Length <= 512 ? stackalloc byte[(int)headers.Length] : new byte[headers.Length];
        headers.CopyTo(block);
        while (!block.IsEmpty)
        {
            int eol = block.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = eol < 0 ? block : block[..eol];
            block = eol < 0 ? [] : block[(eol + 2)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                problem = "A header line has no 'name: value' form.";
                return false;
            }

            ReadOnlySpan<byte> name = line[..colon].Trim((byte)' ');
            if (!System.Text.Ascii.EqualsIgnoreCase(name, ContentLengthName))
            {
                continue;
            }

            ReadOnlySpan<byte> value = line[(colon + 1)..].Trim((byte)' ');
            if (!Utf8Parser.TryParse(value, out long parsed, out int consumed) || consumed != value.Length || parsed < 0)
            {
                problem = "The Content-Length header is not a non-negative integer.";
                return false;
            }

            length = parsed;
        }

        if (length < 0)
        {
            problem = "The header block has no Content-Length header.";
            return false;
        }

        return true;
    }

    private static ReadOnlySequence<byte> TrimWhitespace(ReadOnlySequence<byte> line)
    {
        while (!line.IsEmpty && IsWhitespace(line.FirstSpan[0]))
        {
            line = line.Slice(1);
        }

        while (!line.IsEmpty && IsWhitespace(LastByte(line)))
        {
            line = line.Slice(0, line.Length - 1);
        }

        return line;
    }

    private static byte LastByte(ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.FirstSpan[^1];
        }

        Span<byte> last = stackalloc byte[1];
        sequence.Slice(sequence.Length - 1).CopyTo(last);
        return last[0];
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
