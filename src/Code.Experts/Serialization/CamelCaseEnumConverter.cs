using System.Text.Json;
using System.Text.Json.Serialization;

namespace Code.Experts.Serialization;

/// <summary>Writes and reads an enum as its camelCase name (<c>confidenceWeighted</c>); numbers are refused.</summary>
/// <typeparam name="TEnum">The enum type.</typeparam>
internal sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    {
    }
}
