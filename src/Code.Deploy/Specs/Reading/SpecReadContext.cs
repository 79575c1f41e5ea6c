using System.Globalization;
using System.Text.Json;

namespace Code.Deploy.Specs.Reading;

/// <summary>Collects the problems found while binding a document, and the position of each path.</summary>
internal sealed class SpecReadContext
{
    public List<SpecError> Errors { get; } = [];

    public Dictionary<string, (int Line, int Column)> Positions { get; } = new(StringComparer.Ordinal);

    public void Error(string path, SpecNode? node, string message)
    {
        if (Errors.Count < SpecLimits.MaxErrors)
        {
            Errors.Add(new SpecError(path, message) { Line = node?.Line, Column = node?.Column });
        }
    }

    public void Record(string path, SpecNode node) => Positions.TryAdd(path, (node.Line, node.Column));

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    // ----- scalars -----------------------------------------------------------------------------

    public string? ReadString(SpecNode node, string path)
    {
        if (node.IsNull)
        {
            return null;
        }

        if (node.Kind != SpecNodeKind.Scalar)
        {
            Error(path, node, "expected a string, got " + node.Describe());
            return null;
        }

        return node.Text;
    }

    public int? ReadInt(SpecNode node, string path)
    {
        if (node.IsNull)
        {
            return null;
        }

        if (node.Kind == SpecNodeKind.Scalar && node.ScalarType == ScalarType.Number
            && YamlSpecParser.ToDouble(node.Text) is { } value && double.IsFinite(value) && value == Math.Floor(value))
        {
            if (value is < int.MinValue or > int.MaxValue)
            {
                Error(path, node, $"must be an integer in 32 bits, got {node.Text}");
                return null;
            }

            return (int)value;
        }

        Error(path, node, "expected an integer, got " + node.Describe());
        return null;
    }

    public double? ReadDouble(SpecNode node, string path)
    {
        if (node.IsNull)
        {
            return null;
        }

        if (node.Kind == SpecNodeKind.Scalar && node.ScalarType == ScalarType.Number && YamlSpecParser.ToDouble(node.Text) is { } value)
        {
            return value;
        }

        Error(path, node, "expected a number, got " + node.Describe());
        return null;
    }

    public bool? ReadBool(SpecNode node, string path)
    {
        if (node.IsNull)
        {
            return null;
        }

        if (node.Kind == SpecNodeKind.Scalar && node.ScalarType == ScalarType.Boolean)
        {
            return node.Text is "true" or "True" or "TRUE";
        }

        Error(path, node, "expected true or false, got " + node.Describe());
        return null;
    }

    public TimeSpan? ReadDuration(SpecNode node, string path)
    {
        if (node.IsNull)
        {
            return null;
        }

        if (node.Kind != SpecNodeKind.Scalar || node.ScalarType is not (ScalarType.Number or ScalarType.String))
        {
            Error(path, node, "expected a duration such as 30s, 5m, 1h or a number of seconds, got " + node.Describe());
            return null;
        }

        if (DurationFormat.TryParse(node.Text, out var duration, out var problem))
        {
            return duration;
        }

        Error(path, node, $"'{node.Text}' is not a duration: {problem}");
        return null;
    }

    public IntOrPercent? ReadIntOrPercent(SpecNode node, string path)
    {
        if (node.IsNull)
        {
            return null;
        }

        if (node.Kind == SpecNodeKind.Scalar && node.ScalarType is ScalarType.Number or ScalarType.String
            && IntOrPercent.TryParse(node.Text, out var value))
        {
            return value;
        }

        Error(path, node, "expected a count such as 2 or a percentage such as \"25%\", got " + node.Describe());
        return null;
    }

    public TEnum? ReadEnum<TEnum>(SpecNode node, string path, params (string Name, TEnum Value)[] names)
        where TEnum : struct
    {
        var text = ReadString(node, path);
        if (text is null)
        {
            return null;
        }

        foreach (var (name, value) in names)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        var suggestion = Suggestions.Closest(text, names.Select(n => n.Name));
        Error(path, node, $"'{text}' is not one of {string.Join(", ", names.Select(n => n.Name))}" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)"));
        return null;
    }

    /// <summary>Converts a node to a JSON value (a plugin's configuration).</summary>
    public static JsonElement ToJson(SpecNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = SpecLimits.MaxDepth + 2 });
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, SpecNode node)
    {
        switch (node.Kind)
        {
            case SpecNodeKind.Mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in node.Entries)
                {
                    writer.WritePropertyName(key.Text);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case SpecNodeKind.Sequence:
                writer.WriteStartArray();
                foreach (var item in node.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                switch (node.ScalarType)
                {
                    case ScalarType.Null:
                        writer.WriteNullValue();
                        break;
                    case ScalarType.Boolean:
                        writer.WriteBooleanValue(node.Text is "true" or "True" or "TRUE");
                        break;
                    case ScalarType.Number when YamlSpecParser.ToDouble(node.Text) is { } d && double.IsFinite(d):
                        if (long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                        {
                            writer.WriteNumberValue(l);
                        }
                        else
                        {
                            writer.WriteNumberValue(d);
                        }

                        break;
                    default:
                        writer.WriteStringValue(node.Text);
                        break;
                }

                break;
        }
    }
}
