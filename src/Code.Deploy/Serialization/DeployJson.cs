using System.Text.Json;
using System.Text.Json.Serialization;
using Code.Deploy.Analysis;
using Code.Deploy.Specs;
using Code.Deploy.Specs.Reading;

namespace Code.Deploy.Serialization;

/// <summary>
/// The JSON settings of Code.Deploy's values (specs, plans, measured values): camelCase names, enums as
/// camelCase strings, durations as <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <see cref="IntOrPercent"/> as <c>2</c> or
/// <c>"25%"</c>, null fields left out. A spec written with these settings reads back with <see cref="IDeploymentSpecReader"/>.
/// </summary>
public static class DeployJson
{
    /// <summary>Gets the settings (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
            MaxDepth = 64,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new DurationJsonConverter());
        options.Converters.Add(new IntOrPercentJsonConverter());
        options.Converters.Add(new MetricValueJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class DurationJsonConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.Number ? reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.GetString();
            if (text is null)
            {
                throw new JsonException("expected a duration such as 30s");
            }

            return DurationFormat.TryParse(text, out var duration, out var problem)
                ? duration
                : throw new JsonException($"'{text}' is not a duration: {problem}");
        }

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteStringValue(DurationFormat.Format(value));
    }

    private sealed class IntOrPercentJsonConverter : JsonConverter<IntOrPercent>
    {
        public override IntOrPercent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number
                ? IntOrPercent.FromCount(reader.GetInt32())
                : IntOrPercent.TryParse(reader.GetString(), out var value) ? value : throw new JsonException("expected a count or a percentage such as \"25%\"");

        public override void Write(Utf8JsonWriter writer, IntOrPercent value, JsonSerializerOptions options)
        {
            if (value.IsPercent)
            {
                writer.WriteStringValue(value.ToString());
            }
            else
            {
                writer.WriteNumberValue(value.Value);
            }
        }
    }

    private sealed class MetricValueJsonConverter : JsonConverter<MetricValue>
    {
        public override MetricValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return MetricValue.FromJson(document.RootElement);
        }

        public override void Write(Utf8JsonWriter writer, MetricValue value, JsonSerializerOptions options) => value.WriteTo(writer);
    }
}
