using System.Globalization;
using System.Text;
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

/// <summary>"Did you mean" suggestions by edit distance.</summary>
internal static class Suggestions
{
    public static string? Closest(string text, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(text.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, Math.Min(best.Length, text.Length) / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 8 || a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

/// <summary>Durations as written in a spec: <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>, <c>2d</c>, or a number of seconds.</summary>
internal static class DurationFormat
{
    public static bool TryParse(string text, out TimeSpan duration, out string problem)
    {
        duration = default;
        problem = string.Empty;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (!double.IsFinite(seconds) || seconds < 0)
            {
                problem = "must be a finite number of seconds, 0 or more";
                return false;
            }

            if (seconds > SpecLimits.MaxDuration.TotalSeconds)
            {
                problem = "is longer than " + Format(SpecLimits.MaxDuration);
                return false;
            }

            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (text.Length is 0 or > 64)
        {
            problem = "expected a number followed by ms, s, m, h or d";
            return false;
        }

        var ticks = 0m;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                problem = "expected a number followed by ms, s, m, h or d";
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            var unit = text[unitStart..i];
            decimal? scale = unit switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => null,
            };
            if (scale is null)
            {
                problem = unit.Length == 0 ? "a number needs a unit: ms, s, m, h or d" : $"'{unit}' is not a unit: use ms, s, m, h or d";
                return false;
            }

            ticks += amount * scale.Value;
            if (ticks > SpecLimits.MaxDuration.Ticks)
            {
                problem = "is longer than " + Format(SpecLimits.MaxDuration);
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Formats a duration in the spec's notation, largest units first (<c>1h30m</c>, <c>45s</c>, <c>250ms</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        Append(builder, duration.Days, "d");
        Append(builder, duration.Hours, "h");
        Append(builder, duration.Minutes, "m");
        Append(builder, duration.Seconds, "s");
        Append(builder, duration.Milliseconds, "ms");
        return builder.Length == 0 ? "0s" : builder.ToString();
    }

    private static void Append(StringBuilder builder, int amount, string unit)
    {
        if (amount > 0)
        {
            builder.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
