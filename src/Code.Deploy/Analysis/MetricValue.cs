using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Code.Deploy.Analysis;

/// <summary>
/// A measured value: a number, a string, a boolean, null, a list or an object of named values (a JSON-like
/// tree). Conditions read it as <c>result</c>, <c>result[0]</c>, <c>result.p99</c>. Immutable.
/// </summary>
public sealed class MetricValue : IEquatable<MetricValue>
{
    private static readonly IReadOnlyList<MetricValue> NoItems = [];
    private static readonly IReadOnlyDictionary<string, MetricValue> NoProperties = new Dictionary<string, MetricValue>();

    private readonly double number;
    private readonly string? text;
    private readonly IReadOnlyList<MetricValue> items;
    private readonly IReadOnlyDictionary<string, MetricValue> properties;

    private MetricValue(MetricValueKind kind, double number = 0, string? text = null, IReadOnlyList<MetricValue>? items = null, IReadOnlyDictionary<string, MetricValue>? properties = null)
    {
        Kind = kind;
        this.number = number;
        this.text = text;
        this.items = items ?? NoItems;
        this.properties = properties ?? NoProperties;
    }

    /// <summary>Gets the null value.</summary>
    public static MetricValue Null { get; } = new(MetricValueKind.Null);

    /// <summary>Gets the value <see langword="true"/>.</summary>
    public static MetricValue True { get; } = new(MetricValueKind.Boolean, 1);

    /// <summary>Gets the value <see langword="false"/>.</summary>
    public static MetricValue False { get; } = new(MetricValueKind.Boolean, 0);

    /// <summary>Gets what kind of value this is.</summary>
    public MetricValueKind Kind { get; }

    /// <summary>Gets the number (NaN and infinities allowed).</summary>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double Number => Kind == MetricValueKind.Number ? number : throw NotA(MetricValueKind.Number);

    /// <summary>Gets the string.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string Text => Kind == MetricValueKind.Text ? text! : throw NotA(MetricValueKind.Text);

    /// <summary>Gets the boolean.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool Boolean => Kind == MetricValueKind.Boolean ? number != 0 : throw NotA(MetricValueKind.Boolean);

    /// <summary>Gets the items of a list (empty for other kinds).</summary>
    public IReadOnlyList<MetricValue> Items => items;

    /// <summary>Gets the named values of a map (empty for other kinds).</summary>
    public IReadOnlyDictionary<string, MetricValue> Properties => properties;

    /// <summary>Converts a number.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator MetricValue(double value) => FromNumber(value);

    /// <summary>Creates a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value.</returns>
    public static MetricValue FromNumber(double value) => new(MetricValueKind.Number, value);

    /// <summary>Creates a string.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The value.</returns>
    public static MetricValue FromString(string value) => new(MetricValueKind.Text, text: value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Creates a boolean.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The value.</returns>
    public static MetricValue FromBoolean(bool value) => value ? True : False;

    /// <summary>Creates a list.</summary>
    /// <param name="items">The items.</param>
    /// <returns>The value.</returns>
    public static MetricValue FromList(IEnumerable<MetricValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToArray();
        if (list.Any(i => i is null))
        {
            throw new ArgumentException("A list item is null; use MetricValue.Null.", nameof(items));
        }

        return new(MetricValueKind.List, items: list);
    }

    /// <summary>Creates a list of numbers.</summary>
    /// <param name="numbers">The numbers.</param>
    /// <returns>The value.</returns>
    public static MetricValue FromNumbers(IEnumerable<double> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        return new(MetricValueKind.List, items: numbers.Select(FromNumber).ToArray());
    }

    /// <summary>Creates a map of named values (a JSON object).</summary>
    /// <param name="properties">The named values, with unique names.</param>
    /// <returns>The value.</returns>
    public static MetricValue FromMap(IEnumerable<KeyValuePair<string, MetricValue>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var map = new Dictionary<string, MetricValue>(StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (!map.TryAdd(key, value ?? throw new ArgumentException($"The value of '{key}' is null; use MetricValue.Null.", nameof(properties))))
            {
                throw new ArgumentException($"The name '{key}' appears more than once.", nameof(properties));
            }
        }

        return new(MetricValueKind.Map, properties: map);
    }

    /// <summary>Converts a JSON value (a Prometheus or web answer); a JSON string <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c> stays a string.</summary>
    /// <param name="element">The JSON value.</param>
    /// <returns>The value.</returns>
    public static MetricValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => FromNumber(element.GetDouble()),
        JsonValueKind.String => FromString(element.GetString()!),
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Array => new(MetricValueKind.List, items: element.EnumerateArray().Select(FromJson).ToArray()),
        JsonValueKind.Object => FromMap(element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromJson(p.Value)))),
        _ => Null,
    };

    /// <summary>Writes the value as JSON; a non-finite number is written as the string <c>NaN</c>, <c>Infinity</c> or <c>-Infinity</c>.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Kind)
        {
            case MetricValueKind.Number when double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case MetricValueKind.Number:
                writer.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                break;
            case MetricValueKind.Text:
                writer.WriteStringValue(text);
                break;
            case MetricValueKind.Boolean:
                writer.WriteBooleanValue(number != 0);
                break;
            case MetricValueKind.List:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    item.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
            case MetricValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, value) in properties)
                {
                    writer.WritePropertyName(key);
                    value.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>Formats the value as it appears in a reason: <c>0.93</c>, <c>"ok"</c>, <c>[1, 2]</c>, <c>{p99: 120}</c> (long lists and strings are cut).</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Append(builder, this, 0);
        return builder.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(MetricValue? other)
    {
        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        return Kind switch
        {
            MetricValueKind.Number => number.Equals(other.number),
            MetricValueKind.Boolean => number == other.number,
            MetricValueKind.Text => string.Equals(text, other.text, StringComparison.Ordinal),
            MetricValueKind.List => items.SequenceEqual(other.items),
            MetricValueKind.Map => properties.Count == other.properties.Count
                && properties.All(p => other.properties.TryGetValue(p.Key, out var v) && p.Value.Equals(v)),
            _ => true,
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as MetricValue);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        MetricValueKind.Number or MetricValueKind.Boolean => HashCode.Combine(Kind, number),
        MetricValueKind.Text => HashCode.Combine(Kind, text),
        MetricValueKind.List => HashCode.Combine(Kind, items.Count),
        MetricValueKind.Map => HashCode.Combine(Kind, properties.Count),
        _ => 0,
    };

    internal static string Describe(MetricValueKind kind) => kind switch
    {
        MetricValueKind.Number => "a number",
        MetricValueKind.Text => "a string",
        MetricValueKind.Boolean => "a boolean",
        MetricValueKind.List => "a list",
        MetricValueKind.Map => "a map",
        _ => "null",
    };

    private static void Append(StringBuilder builder, MetricValue value, int depth)
    {
        const int MaxItems = 10;
        const int MaxText = 80;
        if (depth > 4)
        {
            builder.Append('…');
            return;
        }

        switch (value.Kind)
        {
            case MetricValueKind.Number:
                builder.Append(value.number.ToString("G6", CultureInfo.InvariantCulture));
                break;
            case MetricValueKind.Text:
                builder.Append('"').Append(value.text!.Length > MaxText ? value.text[..MaxText] + "…" : value.text).Append('"');
                break;
            case MetricValueKind.Boolean:
                builder.Append(value.number != 0 ? "true" : "false");
                break;
            case MetricValueKind.List:
                builder.Append('[');
                for (var i = 0; i < value.items.Count && i < MaxItems; i++)
                {
                    builder.Append(i == 0 ? string.Empty : ", ");
                    Append(builder, value.items[i], depth + 1);
                }

                builder.Append(value.items.Count > MaxItems ? ", …]" : "]");
                break;
            case MetricValueKind.Map:
                builder.Append('{');
                var n = 0;
                foreach (var (key, item) in value.properties)
                {
                    if (n == MaxItems)
                    {
                        builder.Append(", …");
                        break;
                    }

                    builder.Append(n++ == 0 ? string.Empty : ", ").Append(key).Append(": ");
                    Append(builder, item, depth + 1);
                }

                builder.Append('}');
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private InvalidOperationException NotA(MetricValueKind wanted) =>
        new($"The value is {Describe(Kind)}, not {Describe(wanted)}.");
}

/// <summary>The kinds of <see cref="MetricValue"/>.</summary>
public enum MetricValueKind
{
    /// <summary>No value.</summary>
    Null,

    /// <summary>A number (a double).</summary>
    Number,

    /// <summary>A string.</summary>
    Text,

    /// <summary>A boolean.</summary>
    Boolean,

    /// <summary>A list of values.</summary>
    List,

    /// <summary>Named values (a JSON object).</summary>
    Map,
}
