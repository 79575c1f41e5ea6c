using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// Decodes strings a peer sent. <see cref="Utf8JsonReader"/> accepts strings holding invalid UTF-8 bytes or an unpaired
/// surrogate escape (<c>"\ud800"</c>) as valid JSON, but its <see cref="Utf8JsonReader.GetString"/> and, for escaped
/// text, <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> then throw <see cref="InvalidOperationException"/>.
/// These helpers turn that into a result the caller answers with a JSON-RPC error.
/// </summary>
internal static class JsonText
{
    /// <summary>The phrase error messages use for text that cannot be decoded.</summary>
    public const string Undecodable = "is not valid UTF-8 text (it holds invalid bytes or an unpaired surrogate escape)";

    /// <summary>Reads the current string token; <see langword="false"/> when it cannot be decoded.</summary>
    public static bool TryGetString(ref Utf8JsonReader reader, [NotNullWhen(true)] out string? value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>Compares the current token with UTF-8 text; a token that cannot be decoded equals nothing.</summary>
    public static bool ValueTextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> text)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueTextEquals(text);
        }

        try
        {
            return reader.ValueTextEquals(text);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
