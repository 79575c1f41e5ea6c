using System.Globalization;

namespace Code.Deploy.Specs;

/// <summary>
/// A count or a percentage of a total, as Kubernetes' <c>IntOrString</c> in <c>maxSurge</c> and
/// <c>maxUnavailable</c>: written <c>2</c> or <c>"25%"</c>.
/// </summary>
public readonly record struct IntOrPercent
{
    private IntOrPercent(int value, bool isPercent)
    {
        Value = value;
        IsPercent = isPercent;
    }

    /// <summary>Gets the count, or the percentage when <see cref="IsPercent"/>.</summary>
    public int Value { get; }

    /// <summary>Gets a value indicating whether <see cref="Value"/> is a percentage.</summary>
    public bool IsPercent { get; }

    /// <summary>Creates an absolute count.</summary>
    /// <param name="count">The count.</param>
    /// <returns>The value.</returns>
    public static IntOrPercent FromCount(int count) => new(count, false);

    /// <summary>Creates a percentage.</summary>
    /// <param name="percent">The percentage (25 for 25 %).</param>
    /// <returns>The value.</returns>
    public static IntOrPercent FromPercent(int percent) => new(percent, true);

    /// <summary>Converts a count.</summary>
    /// <param name="count">The count.</param>
    public static implicit operator IntOrPercent(int count) => FromCount(count);

    /// <summary>Parses <c>"25%"</c> or <c>"3"</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value when the text is valid.</param>
    /// <returns>Whether the text is valid.</returns>
    public static bool TryParse(string? text, out IntOrPercent value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var percent = text.EndsWith('%');
        var digits = percent ? text[..^1] : text;
        if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        value = new IntOrPercent(int.Parse(digits, CultureInfo.InvariantCulture), percent);
        return true;
    }

    /// <summary>
    /// Resolves the value against a total as Kubernetes does (<c>GetScaledValueFromIntOrPercent</c>): a count is
    /// itself; a percentage is <c>total × percent / 100</c>, rounded up or down.
    /// </summary>
    /// <param name="total">The total (the desired replica count).</param>
    /// <param name="roundUp">Whether to round up (maxSurge) or down (maxUnavailable).</param>
    /// <returns>The count.</returns>
    public int Resolve(int total, bool roundUp)
    {
        if (!IsPercent)
        {
            return Value;
        }

        var scaled = (long)total * Value;
        return (int)(roundUp ? (scaled + 99) / 100 : scaled / 100);
    }

    /// <summary>Formats the value as it is written in a spec: <c>3</c> or <c>25%</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsPercent
        ? Value.ToString(CultureInfo.InvariantCulture) + "%"
        : Value.ToString(CultureInfo.InvariantCulture);
}
