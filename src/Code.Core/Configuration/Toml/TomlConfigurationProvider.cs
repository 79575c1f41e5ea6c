using System.Globalization;
using Microsoft.Extensions.Configuration;
using Tomlyn;
using Tomlyn.Model;

namespace Code.Core.Configuration.Toml;

/// <summary>
/// Loads a TOML document into configuration keys: tables become sections, arrays become indexed
/// children (<c>hosts:0</c>), booleans and numbers are written in invariant culture.
/// </summary>
public sealed class TomlConfigurationProvider : FileConfigurationProvider
{
    private readonly string? _prefix;

    /// <summary>Initializes a new instance of the <see cref="TomlConfigurationProvider"/> class.</summary>
    /// <param name="source">The source this provider reads.</param>
    public TomlConfigurationProvider(TomlConfigurationSource source)
        : base(source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _prefix = string.IsNullOrEmpty(source.SectionPrefix) ? null : source.SectionPrefix;
    }

    /// <summary>Reads the TOML document in <paramref name="stream"/>.</summary>
    /// <param name="stream">The file's contents.</param>
    /// <exception cref="FormatException">The document is not valid TOML, or two keys differ only in case.</exception>
    public override void Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream);
        Data = Parse(reader.ReadToEnd(), Source.Path ?? "(stream)", _prefix);
    }

    /// <summary>Parses TOML text into configuration key/value pairs.</summary>
    internal static Dictionary<string, string?> Parse(string text, string origin, string? prefix)
    {
        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(text)
                ?? throw new FormatException($"TOML configuration file '{origin}' is empty or not a table.");
        }
        catch (TomlException ex)
        {
            throw new FormatException($"TOML configuration file '{origin}' is not valid TOML: {ex.Message}", ex);
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(data, prefix, table, origin);
        return data;
    }

    private static void Flatten(Dictionary<string, string?> data, string? path, object? value, string origin)
    {
        switch (value)
        {
            case TomlTable table:
                foreach (var (key, child) in table)
                {
                    Flatten(data, Combine(path, key), child, origin);
                }

                break;
            case TomlTableArray tables:
                for (var i = 0; i < tables.Count; i++)
                {
                    Flatten(data, Combine(path, i.ToString(CultureInfo.InvariantCulture)), tables[i], origin);
                }

                break;
            case TomlArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(data, Combine(path, i.ToString(CultureInfo.InvariantCulture)), array[i], origin);
                }

                break;
            default:
                var leaf = path ?? string.Empty;
                if (data.ContainsKey(leaf))
                {
                    throw new FormatException(
                        $"TOML configuration file '{origin}' has two keys that differ only in case at '{leaf}'; configuration keys are case-insensitive.");
                }

                data[leaf] = Format(value);
                break;
        }
    }

    private static string Combine(string? path, string key) =>
        path is null ? key : string.Concat(path, ConfigurationPath.KeyDelimiter, key);

    private static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
