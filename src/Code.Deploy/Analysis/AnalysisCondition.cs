using Code.Deploy.Analysis.Conditions;

namespace Code.Deploy.Analysis;

/// <summary>
/// A success or failure condition over a measurement, in a small, safe expression language: <c>result</c>
/// (the measured value), fields and indexes (<c>result.p99</c>, <c>result[0]</c>, <c>result["p99"]</c>),
/// literals, comparisons, <c>&amp;&amp;</c> <c>||</c> <c>!</c> (or <c>and</c> <c>or</c> <c>not</c>), arithmetic, and the
/// functions <c>len</c>, <c>isNaN</c>, <c>isInf</c>, <c>default</c>, <c>abs</c>, <c>min</c>, <c>max</c>, <c>sum</c>, <c>avg</c>.
/// Nothing else: no reflection, no code, no loops; at most <see cref="Specs.SpecLimits.MaxConditionLength"/>
/// characters and 64 levels of nesting. Evaluation is total: a missing field, a wrong type or NaN gives an
/// <see cref="ConditionOutcome.Error"/> with the reason, never an exception. Immutable and thread-safe.
/// </summary>
public sealed class AnalysisCondition
{
    private readonly ConditionNode root;

    private AnalysisCondition(string text, ConditionNode root)
    {
        Text = text;
        this.root = root;
    }

    /// <summary>Gets the condition as written.</summary>
    public string Text { get; }

    /// <summary>Parses a condition.</summary>
    /// <param name="text">The condition.</param>
    /// <returns>The parsed condition.</returns>
    /// <exception cref="FormatException">The condition is not valid; the message starts with <c>line:column:</c>.</exception>
    public static AnalysisCondition Parse(string text) =>
        TryParse(text, out var condition, out var error) ? condition! : throw new FormatException(error!.ToString());

    /// <summary>Parses a condition without throwing.</summary>
    /// <param name="text">The condition.</param>
    /// <param name="condition">The parsed condition, or <see langword="null"/>.</param>
    /// <param name="error">The syntax error, or <see langword="null"/>.</param>
    /// <returns>Whether the condition is valid.</returns>
    public static bool TryParse(string? text, out AnalysisCondition? condition, out ConditionSyntaxError? error)
    {
        condition = null;
        error = null;
        if (text is null)
        {
            error = new ConditionSyntaxError(1, 1, "the condition is empty");
            return false;
        }

        if (text.Length > Specs.SpecLimits.MaxConditionLength)
        {
            error = new ConditionSyntaxError(1, 1, $"the condition is {text.Length} characters long, more than the limit of {Specs.SpecLimits.MaxConditionLength}");
            return false;
        }

        try
        {
            condition = new AnalysisCondition(text, ConditionParser.Parse(text));
            return true;
        }
        catch (ConditionSyntaxException ex)
        {
            var (line, column) = ConditionText.Position(text, ex.Offset);
            error = new ConditionSyntaxError(line, column, ex.Message);
            return false;
        }
    }

    /// <summary>Evaluates the condition over a measured value.</summary>
    /// <param name="result">The value, known as <c>result</c> in the condition.</param>
    /// <returns>True, false, or an error with the reason.</returns>
    public ConditionResult Evaluate(MetricValue result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var evaluation = new ConditionEvaluator(Text, result).Evaluate(root);
        if (evaluation.Failed)
        {
            return new ConditionResult(ConditionOutcome.Error, evaluation.Error!);
        }

        var value = evaluation.Value!;
        if (value.Kind != MetricValueKind.Boolean)
        {
            return new ConditionResult(ConditionOutcome.Error, $"'{Text}' gave {value}, not true or false");
        }

        return value.Boolean
            ? new ConditionResult(ConditionOutcome.True, $"'{Text}' is true with result = {result}")
            : new ConditionResult(ConditionOutcome.False, $"'{Text}' is false with result = {result}");
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>A syntax error of a condition.</summary>
/// <param name="Line">The 1-based line in the condition.</param>
/// <param name="Column">The 1-based column in the condition.</param>
/// <param name="Message">What is wrong, for example <c>expected ')', got the end of the condition</c>.</param>
public sealed record ConditionSyntaxError(int Line, int Column, string Message)
{
    /// <summary>Formats the error as <c>line:column: message</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Line}:{Column}: {Message}";
}

/// <summary>The outcome of a condition.</summary>
public enum ConditionOutcome
{
    /// <summary>The condition holds.</summary>
    True,

    /// <summary>The condition does not hold.</summary>
    False,

    /// <summary>The condition could not be decided (a missing field, a wrong type, NaN); see the reason.</summary>
    Error,
}

/// <summary>A condition's outcome with the reason, recorded in the rollout's history.</summary>
/// <param name="Outcome">True, false or error.</param>
/// <param name="Reason">The condition, the value it saw, and for an error what went wrong.</param>
public sealed record ConditionResult(ConditionOutcome Outcome, string Reason);
