using System.Text.Json;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// Checks and writes JSON text supplied by callers (raw params, raw results, error data). It is validated before a
/// frame is started, so a bad value can never leave half a message on the wire, and written without line breaks,
/// which newline framing reserves for the end of a message.
/// </summary>
internal static class RawJson
{
    /// <summary>Tells whether the bytes hold exactly one JSON value.</summary>
    public static bool IsValid(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MessagingDefaults.MaxJsonDepth });
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the bytes hold exactly one JSON value.</summary>
    public static void Validate(ReadOnlySpan<byte> json, string parameterName)
    {
        if (!IsValid(json))
        {
            throw new ArgumentException("The value is not one complete JSON value.", parameterName);
        }
    }

    /// <summary>Writes validated JSON; re-serializes it minified when it contains line breaks (only possible as whitespace).</summary>
    public static void WriteValidated(Utf8JsonWriter writer, ReadOnlySpan<byte> json)
    {
        if (json.IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        // As deep as the writers that produced it allow, so JSON accepted before can always be re-written.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1000 });
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        document.WriteTo(writer);
    }
}
