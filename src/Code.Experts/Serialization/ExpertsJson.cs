using System.Text.Json;
using System.Text.Json.Serialization;

namespace Code.Experts.Serialization;

/// <summary>The JSON settings of the package: camelCase names, nulls omitted, shallow depth for untrusted input.</summary>
internal static class ExpertsJson
{
    /// <summary>Gets the options used for prompts, stored records and cached results.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
        WriteIndented = false,
    };
}
