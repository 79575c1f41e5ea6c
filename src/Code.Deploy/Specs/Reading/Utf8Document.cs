using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Code.Deploy.Specs.Reading;

/// <summary>Checks the size and UTF-8 of a document, and turns byte offsets into lines and columns.</summary>
internal static class Utf8Document
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks the size and the encoding; strips a BOM.</summary>
    public static ReadOnlySpan<byte> Check(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > SpecLimits.MaxDocumentBytes)
        {
            throw new SpecSyntaxException(new SpecError(string.Empty,
                $"the document is {utf8.Length} bytes, more than the limit of {SpecLimits.MaxDocumentBytes} bytes"));
        }

        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (!Utf8.IsValid(utf8))
        {
            var offset = FirstInvalid(utf8);
            var (line, column) = Position(utf8, offset);
            throw new SpecSyntaxException(new SpecError(string.Empty, $"the document is not valid UTF-8 (byte {offset})") { Line = line, Column = column });
        }

        if (utf8.IndexOf((byte)0) is >= 0 and var nul)
        {
            var (line, column) = Position(utf8, nul);
            throw new SpecSyntaxException(new SpecError(string.Empty, "the document contains a NUL character") { Line = line, Column = column });
        }

        return utf8;
    }

    public static string Decode(ReadOnlySpan<byte> utf8) => StrictUtf8.GetString(utf8);

    /// <summary>The 1-based line and column (in characters) of a byte offset.</summary>
    public static (int Line, int Column) Position(ReadOnlySpan<byte> utf8, long offset)
    {
        var end = (int)Math.Clamp(offset, 0, utf8.Length);
        var prefix = utf8[..end];
        var line = prefix.Count((byte)'\n') + 1;
        var lineStart = prefix.LastIndexOf((byte)'\n') + 1;
        var column = 1;
        foreach (var b in prefix[lineStart..])
        {
            if ((b & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return (line, column);
    }

    private static int FirstInvalid(ReadOnlySpan<byte> utf8)
    {
        var valid = 0;
        while (valid < utf8.Length)
        {
            var status = Rune.DecodeFromUtf8(utf8[valid..], out _, out var consumed);
            if (status != OperationStatus.Done)
            {
                return valid;
            }

            valid += consumed;
        }

        return valid;
    }
}

/// <summary>Turns increasing byte offsets into 1-based lines and columns in one pass over the document.</summary>
internal ref struct PositionCursor(ReadOnlySpan<byte> utf8)
{
    private readonly ReadOnlySpan<byte> utf8 = utf8;
    private int offset;
    private int line = 1;
    private int column = 1;

    public (int Line, int Column) MoveTo(long target)
    {
        var end = (int)Math.Clamp(target, 0, utf8.Length);
        if (end < offset)
        {
            (line, column) = Utf8Document.Position(utf8, end);
            offset = end;
            return (line, column);
        }

        for (; offset < end; offset++)
        {
            var b = utf8[offset];
            if (b == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else if ((b & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return (line, column);
    }
}
