using System.Text;
using System.Text.Json;

namespace Code.Experts.Verdicts;

/// <summary>
/// Finds a JSON object inside a model's reply: bare, in a code fence, or surrounded by prose. Tries each
/// <c>{</c> in turn and keeps the first complete object the caller accepts.
/// </summary>
internal static class LenientJson
{
    private const int MaxAttempts = 64;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 16,
    };

    /// <summary>Returns the first JSON object in <paramref name="text"/> for which <paramref name="accept"/> is true.</summary>
    /// <param name="text">The reply, already cut to the allowed length.</param>
    /// <param name="accept">Whether an object is the one looked for (for example: it has an <c>answer</c> property).</param>
    /// <returns>The object (the caller disposes it), or <see langword="null"/>.</returns>
    public static JsonDocument? FindObject(string text, Func<JsonElement, bool> accept)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains('{', StringComparison.Ordinal))
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var attempts = 0;
        var start = 0;
        while (attempts++ < MaxAttempts)
        {
            var index = Array.IndexOf(bytes, (byte)'{', start);
            if (index < 0)
            {
                return null;
            }

            var document = TryParseAt(bytes, index);
            if (document is not null)
            {
                if (accept(document.RootElement))
                {
                    return document;
                }

                document.Dispose();
            }

            start = index + 1;
        }

        return null;
    }

    private static JsonDocument? TryParseAt(byte[] bytes, int index)
    {
        var reader = new Utf8JsonReader(bytes.AsSpan(index), ReaderOptions);
        try
        {
            return JsonDocument.TryParseValue(ref reader, out var document) && document.RootElement.ValueKind == JsonValueKind.Object
                ? document
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Gets a property by any of its accepted names, ignoring case.</summary>
    /// <param name="element">The object.</param>
    /// <param name="names">The accepted names, preferred first.</param>
    /// <param name="value">The property value.</param>
    /// <returns>Whether one was found.</returns>
    public static bool TryGetProperty(JsonElement element, ReadOnlySpan<string> names, out JsonElement value)
    {
        foreach (var name in names)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}
