using System.Text.Json.Serialization;

namespace Code.Experts.Consultation;

/// <summary>
/// One named piece of evidence shown to every expert: either a number (a metric delta, a score) or a
/// text (a change summary, a log excerpt). The offline experts read the names in <see cref="EvidenceNames"/>.
/// </summary>
/// <param name="Name">The name, 1 to 100 characters, unique within the question; for example <c>error_rate_delta</c>.</param>
/// <param name="Value">The number, when this is numeric evidence; finite.</param>
/// <param name="Text">The text, when this is textual evidence.</param>
/// <param name="Unit">An optional unit shown to the experts, for example <c>ms</c> or <c>%</c>.</param>
public sealed record Evidence(
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Value = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unit = null)
{
    /// <summary>Creates numeric evidence.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The number.</param>
    /// <param name="unit">An optional unit.</param>
    /// <returns>The evidence.</returns>
    public static Evidence OfNumber(string name, double value, string? unit = null) => new(name, Value: value, Unit: unit);

    /// <summary>Creates textual evidence.</summary>
    /// <param name="name">The name.</param>
    /// <param name="text">The text.</param>
    /// <returns>The evidence.</returns>
    public static Evidence OfText(string name, string text) => new(name, Text: text);
}
