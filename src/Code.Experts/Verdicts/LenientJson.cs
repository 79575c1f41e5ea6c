using System.Text;
using System.Text.Json;

namespace Code.Experts.Verdicts;

/// <summary>
/// Finds JSON objects inside a model's reply: bare, in a code fence, or surrounded by prose. Reads the whole
/// reply: every top-level object (one not inside another) is found, so a caller can refuse a reply that holds
/// more than one candidate instead of trusting whichever comes first.
/// </summary>
internal static class LenientJson
{
    /// <summary>The most <c>{</c> a reply may hold that do not start an object; more and the reply is not read.</summary>
    public const int MaxFailedStarts = 64;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 16,
    };

    /// <summary>Returns the first JSON object in <paramref name="text"/> for which <paramref name="accept"/> is true.</summary>
    /// <remarks>For text the circle wrote itself (its own task); replies are read with <see cref="FindAll"/>.</remarks>
    /// <param name="text">The text.</param>
    /// <param name="accept">Whether an object is the one looked for.</param>
    /// <returns>The object (the caller disposes it), or <see langword="null"/>.</returns>
    public static JsonDocument? FindObject(string text, Func<JsonElement, bool> accept)
    {
        using var found = FindAll(text, accept);
        if (found.Matches.Count == 0)
        {
            return null;
        }

        return found.Take(0);
    }

    /// <summary>Finds every top-level JSON object in <paramref name="text"/> for which <paramref name="accept"/> is true.</summary>
    /// <param name="text">The reply.</param>
    /// <param name="accept">Whether an object is a candidate (for example: it has an <c>answer</c> property).</param>
    /// <returns>The candidates in order, and whether the whole text was read; the caller disposes it.</returns>
    public static JsonObjects FindAll(string text, Func<JsonElement, bool> accept)
    {
        var found = new JsonObjects();
        if (string.IsNullOrEmpty(text) || !text.Contains('{', StringComparison.Ordinal))
        {
            return found;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var failedStarts = 0;
        var start = 0;
        while (true)
        {
            var index = Array.IndexOf(bytes, (byte)'{', start);
            if (index < 0)
            {
                return found;
            }

            var (document, length) = TryParseAt(bytes, index);
            if (document is null)
            {
                if (++failedStarts > MaxFailedStarts)
                {
                    found.Incomplete = true;
                    return found;
                }

                start = index + 1;
                continue;
            }

            if (accept(document.RootElement))
            {
                found.Add(document);
            }
            else
            {
                document.Dispose();
            }

            // Skip the object: what is inside it (nested objects, strings that look like JSON) belongs to it.
            start = index + length;
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

    /// <summary>Gets every property whose name is one of <paramref name="names"/>, ignoring case (duplicates included).</summary>
    /// <param name="element">The object.</param>
    /// <param name="names">The accepted names.</param>
    /// <returns>The values, in document order.</returns>
    public static List<JsonElement> AllProperties(JsonElement element, ReadOnlySpan<string> names)
    {
        var values = new List<JsonElement>();
        foreach (var property in element.EnumerateObject())
        {
            foreach (var name in names)
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    values.Add(property.Value);
                    break;
                }
            }
        }

        return values;
    }

    private static (JsonDocument? Document, int Length) TryParseAt(byte[] bytes, int index)
    {
        var reader = new Utf8JsonReader(bytes.AsSpan(index), ReaderOptions);
        try
        {
            if (JsonDocument.TryParseValue(ref reader, out var document))
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return (document, (int)reader.BytesConsumed);
                }

                document.Dispose();
            }

            return (null, 0);
        }
        catch (JsonException)
        {
            return (null, 0);
        }
    }
}

/// <summary>The candidate objects found in a reply; disposing it disposes every one not taken.</summary>
internal sealed class JsonObjects : IDisposable
{
    private readonly List<JsonDocument?> _matches = [];

    /// <summary>Gets the candidates, in order of appearance.</summary>
    public IReadOnlyList<JsonDocument?> Matches => _matches;

    /// <summary>Gets or sets a value indicating whether reading stopped early (too many <c>{</c> that start no object).</summary>
    public bool Incomplete { get; set; }

    public void Add(JsonDocument document) => _matches.Add(document);

    /// <summary>Takes one candidate out, so that disposing this does not dispose it.</summary>
    /// <param name="index">Its index.</param>
    /// <returns>The document; the caller disposes it.</returns>
    public JsonDocument Take(int index)
    {
        var document = _matches[index] ?? throw new InvalidOperationException("The candidate was taken already.");
        _matches[index] = null;
        return document;
    }

    public void Dispose()
    {
        foreach (var document in _matches)
        {
            document?.Dispose();
        }

        _matches.Clear();
    }
}
