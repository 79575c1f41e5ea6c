using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// The id of a JSON-RPC request: a string, a number or <c>null</c>, echoed back unchanged in the response.
/// Integral numbers are kept as <see cref="long"/>; other numbers keep their JSON text.
/// </summary>
public readonly struct JsonRpcId : IEquatable<JsonRpcId>
{
    private readonly long _number;
    private readonly string? _text;

    private JsonRpcId(JsonRpcIdKind kind, long number, string? text)
    {
        Kind = kind;
        _number = number;
        _text = text;
    }

    /// <summary>Gets the id <c>null</c>.</summary>
    public static JsonRpcId Null => new(JsonRpcIdKind.Null, 0, null);

    /// <summary>Gets the JSON type of the id; <see cref="JsonRpcIdKind.None"/> for a notification.</summary>
    public JsonRpcIdKind Kind { get; }

    /// <summary>Gets a value indicating whether the id is an integral number (see <see cref="Number"/>).</summary>
    public bool IsInteger => Kind == JsonRpcIdKind.Number && _text is null;

    /// <summary>Gets the id's value when it is an integral number; 0 otherwise.</summary>
    public long Number => _number;

    /// <summary>Gets the id's value when it is a string, or the JSON text of a non-integral number; <see langword="null"/> otherwise.</summary>
    public string? Text => _text;

    /// <summary>Creates a numeric id.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The id.</returns>
    public static JsonRpcId FromNumber(long value) => new(JsonRpcIdKind.Number, value, null);

    /// <summary>Creates a string id.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The id.</returns>
    public static JsonRpcId FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(JsonRpcIdKind.String, 0, value);
    }

    internal static JsonRpcId FromNumberText(string text) => new(JsonRpcIdKind.Number, 0, text);

    /// <summary>Reads an id from the current token of a reader (a string, a number or null); false for any other token or a string that cannot be decoded.</summary>
    internal static bool TryRead(ref Utf8JsonReader reader, out JsonRpcId id)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (!JsonText.TryGetString(ref reader, out string? text))
                {
                    id = default;
                    return false;
                }

                id = new(JsonRpcIdKind.String, 0, text);
                return true;
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out long number))
                {
                    id = FromNumber(number);
                }
                else
                {
                    // Kept as written; a non-integral id is legal but only ever echoed back.
                    id = FromNumberText(System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan));
                }

                return true;
            case JsonTokenType.Null:
                id = Null;
                return true;
            default:
                id = default;
                return false;
        }
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case JsonRpcIdKind.Number when _text is null:
                writer.WriteNumberValue(_number);
                break;
            case JsonRpcIdKind.Number:
                writer.WriteRawValue(_text!, skipInputValidation: true);
                break;
            case JsonRpcIdKind.String:
                writer.WriteStringValue(_text);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <inheritdoc/>
    public bool Equals(JsonRpcId other) => Kind == other.Kind && _number == other._number && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JsonRpcId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _number, _text is null ? 0 : StringComparer.Ordinal.GetHashCode(_text));

    /// <summary>Returns the id as it appears in JSON.</summary>
    /// <returns>The id's JSON text, or an empty string for a notification.</returns>
    public override string ToString() => Kind switch
    {
        JsonRpcIdKind.Number => _text ?? _number.ToString(CultureInfo.InvariantCulture),
        JsonRpcIdKind.String => JsonSerializer.Serialize(_text, MessagingJsonContext.Default.String),
        JsonRpcIdKind.Null => "null",
        _ => string.Empty,
    };

    /// <summary>Compares two ids for equality.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(JsonRpcId left, JsonRpcId right) => left.Equals(right);

    /// <summary>Compares two ids for inequality.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(JsonRpcId left, JsonRpcId right) => !left.Equals(right);
}
