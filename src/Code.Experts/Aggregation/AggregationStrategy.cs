using System.Text.Json.Serialization;
using Code.Experts.Serialization;

namespace Code.Experts.Aggregation;

/// <summary>How the circle turns opinions into one answer.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AggregationStrategy>))]
public enum AggregationStrategy
{
    /// <summary>One expert, one vote; a tie is broken by summed confidence, then there is no consensus.</summary>
    Majority,

    /// <summary>Each vote weighs the expert's configured weight times its learned reliability.</summary>
    Weighted,

    /// <summary>Each vote weighs configured weight times learned reliability times the expert's own confidence.</summary>
    ConfidenceWeighted,

    /// <summary>A designated chairman expert reads the anonymised opinions and gives the final answer.</summary>
    Chairman,
}
