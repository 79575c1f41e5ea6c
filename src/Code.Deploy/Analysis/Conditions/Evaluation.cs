using System.Globalization;

namespace Code.Deploy.Analysis.Conditions;

/// <summary>The value of a sub-expression, or why it has none.</summary>
internal readonly record struct Evaluation(MetricValue? Value, string? Error, bool IsMissing)
{
    public bool Failed => Error is not null;

    public static Evaluation Of(MetricValue value) => new(value, null, false);

    public static Evaluation Fail(string error) => new(null, error, false);

    public static Evaluation Missing(string error) => new(null, error, true);

    public override string ToString() => Failed ? Error! : Value!.ToString();
}

internal static class ConditionText
{
    public static (int Line, int Column) Position(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        var line = 1;
        var column = 1;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return (line, column);
    }

    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
