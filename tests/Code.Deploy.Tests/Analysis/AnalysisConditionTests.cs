using System.Text;
using Code.Deploy.Analysis;

namespace Code.Deploy.Tests.Analysis;

public sealed class AnalysisConditionTests
{
    private static readonly MetricValue Latency = MetricValue.FromMap(
    [
        KeyValuePair.Create("p50", (MetricValue)40.0),
        KeyValuePair.Create("p99", (MetricValue)120.0),
        KeyValuePair.Create("verdict", MetricValue.FromString("pass")),
        KeyValuePair.Create("samples", MetricValue.FromNumbers([1, 2, 3, 6])),
        KeyValuePair.Create("nan", (MetricValue)double.NaN),
    ]);

    [Theory]
    [InlineData("result.p99 < 200", true)]
    [InlineData("result.p99 < 100", false)]
    [InlineData("result[\"p50\"] * 2 == 80", true)]
    [InlineData("result.p99 >= 100 && result.p50 <= 50", true)]
    [InlineData("result.p99 > 1000 || result.verdict == \"pass\"", true)]
    [InlineData("!(result.p99 > 100)", false)]
    [InlineData("not (result.p99 > 100) or result.p50 == 40", true)]
    [InlineData("result.p99 > 100 and result.p50 == 41", false)]
    [InlineData("len(result.samples) == 4 && result.samples[3] == 6", true)]
    [InlineData("sum(result.samples) == 12 && avg(result.samples) == 3", true)]
    [InlineData("min(result.samples) == 1 && max(result.samples) == 6 && max(1, 7, 3) == 7", true)]
    [InlineData("abs(-3) == 3 && -result.p50 == -40", true)]
    [InlineData("isNaN(result.nan) && !isNaN(result.p50)", true)]
    [InlineData("default(result.p95, 0) == 0", true)]
    [InlineData("default(result.nan, 5) == 5", true)]
    [InlineData("default(result.p99, 0) == 120", true)]
    [InlineData("default(result.samples[10], -1) == -1", true)]
    [InlineData("(result.p99 - result.p50) / result.p50 == 2", true)]
    [InlineData("result.p99 % 7 == 1", true)]
    [InlineData("result.verdict != null && default(result.missing, null) == null", true)]
    [InlineData("len(result.verdict) == 4 && result.verdict + \"ed\" == 'passed'", true)]
    [InlineData("1e2 == 100 && .5 == 0.5", true)]
    public void Evaluates(string condition, bool expected)
    {
        var result = AnalysisCondition.Parse(condition).Evaluate(Latency);

        Assert.True(result.Outcome != ConditionOutcome.Error, result.Reason);
        Assert.Equal(expected ? ConditionOutcome.True : ConditionOutcome.False, result.Outcome);
    }

    [Theory]
    [InlineData("result.p95 < 100", "result has no field 'p95' (fields: p50, p99, verdict, samples, nan)")]
    [InlineData("result.nan < 100", "result.nan is NaN, so 'result.nan < 100' cannot be decided (use isNaN() or default())")]
    [InlineData("result.verdict > 3", "'>' compares two numbers or two strings, but result.verdict is \"pass\" and 3 is 3")]
    [InlineData("result.verdict == 3", "cannot compare a string (result.verdict = \"pass\") with a number (3 = 3)")]
    [InlineData("result.p50 / 0 > 1", "division by zero in result.p50 / 0 (0 is 0)")]
    [InlineData("result.samples[9] > 1", "result.samples[9] is out of range: result.samples has 4 items")]
    [InlineData("result.samples[1.5] > 1", "a list index must be a whole number, got 1.5 in result.samples[1.5]")]
    [InlineData("result.p99.x > 1", "result.p99 is a number (120), not a map, so it has no field 'x'")]
    [InlineData("result.p99 && true", "'&&' needs true or false, but result.p99 is 120")]
    [InlineData("result.p99", "'result.p99' gave 120, not true or false")]
    [InlineData("len(result.p99) > 0", "len() needs a list, a map or a string, but result.p99 is 120")]
    [InlineData("avg(result.p99) > 0", "avg() needs a list, but result.p99 is 120")]
    public void Undecidable_conditions_are_errors_with_a_reason(string condition, string reason)
    {
        var result = AnalysisCondition.Parse(condition).Evaluate(Latency);

        Assert.Equal(ConditionOutcome.Error, result.Outcome);
        Assert.Equal(reason, result.Reason);
    }

    [Theory]
    [InlineData("result >= ", "1:11: expected a value, got the end of the condition")]
    [InlineData("len(result > 0", "1:15: expected ')', got the end of the condition")]
    [InlineData("result.p99 <> 3", "1:13: unexpected '>'")]
    [InlineData("results > 1", "1:1: unknown name 'results': the measurement is 'result'")]
    [InlineData("exec(\"rm\")", "1:1: unknown function 'exec' (functions: len, isNaN, isInf, default, abs, min, max, sum, avg)")]
    [InlineData("len(result, 2) > 1", "1:1: len() takes 1 argument, got 2")]
    [InlineData("result == 'open", "1:11: unterminated string")]
    [InlineData("result @ 2", "1:8: unexpected character '@'")]
    [InlineData("result > 1 2", "1:12: unexpected '2' after a complete expression")]
    [InlineData("  ", "1:1: the condition is empty")]
    [InlineData("result > 1 &&\n  result <", "2:11: expected a value, got the end of the condition")]
    [InlineData("System.IO.File.Delete(\"x\")", "1:1: unknown name 'System': the measurement is 'result'")]
    public void Syntax_errors_have_a_line_and_column(string condition, string expected)
    {
        Assert.False(AnalysisCondition.TryParse(condition, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Equal(expected, error!.ToString());
        Assert.Equal(expected, Assert.Throws<FormatException>(() => AnalysisCondition.Parse(condition)).Message);
    }

    [Fact]
    public void Nesting_and_length_are_bounded()
    {
        var deep = new string('(', 65) + "true" + new string(')', 65);
        Assert.False(AnalysisCondition.TryParse(deep, out _, out var error));
        Assert.Contains("nested more than 64 levels", error!.Message, StringComparison.Ordinal);

        var chain = string.Join(" && ", Enumerable.Repeat("true", 100));
        Assert.False(AnalysisCondition.TryParse(chain, out _, out error));
        Assert.Contains("nested more than 64 levels", error!.Message, StringComparison.Ordinal);

        var nots = new string('!', 100) + "true";
        Assert.False(AnalysisCondition.TryParse(nots, out _, out _));

        var tooLong = "result == \"" + new string('a', 2048) + "\"";
        Assert.False(AnalysisCondition.TryParse(tooLong, out _, out error));
        Assert.Contains("more than the limit of 2048", error!.Message, StringComparison.Ordinal);

        var fine = new string('(', 30) + "true" + new string(')', 30);
        Assert.Equal(ConditionOutcome.True, AnalysisCondition.Parse(fine).Evaluate(MetricValue.Null).Outcome);
    }

    [Fact]
    public void Fuzzed_text_never_throws_and_parsed_conditions_always_evaluate()
    {
        // Seeded: character soup built from the language's own pieces, plus pure noise.
        const string Pieces = "result.p99[0]()\"'<>=!&|+-*/%, 0123456789.eE truefalsenullandornotlenisNaNdefaultabsminmaxsumavg";
        var random = new Random(1202);
        var values = new[] { Latency, MetricValue.Null, 0.5, double.NaN, MetricValue.FromNumbers([0.99, 0.98]), MetricValue.FromString("ok"), MetricValue.True };
        var parsed = 0;
        for (var i = 0; i < 30_000; i++)
        {
            var length = random.Next(0, 40);
            var text = new StringBuilder(length);
            for (var c = 0; c < length; c++)
            {
                text.Append(random.Next(10) == 0 ? (char)random.Next(0, 0x250) : Pieces[random.Next(Pieces.Length)]);
            }

            if (!AnalysisCondition.TryParse(text.ToString(), out var condition, out var error))
            {
                Assert.NotNull(error);
                Assert.True(error.Line >= 1 && error.Column >= 1);
                continue;
            }

            parsed++;
            foreach (var value in values)
            {
                var result = condition!.Evaluate(value);
                Assert.False(string.IsNullOrEmpty(result.Reason));
            }
        }

        Assert.True(parsed > 50, $"only {parsed} random conditions parsed");
    }

    [Fact]
    public void Generated_expressions_always_evaluate_to_an_outcome()
    {
        var random = new Random(77);
        for (var i = 0; i < 5000; i++)
        {
            var text = Generate(random, 0);
            var condition = AnalysisCondition.Parse(text);
            var result = condition.Evaluate(Latency);
            Assert.True(Enum.IsDefined(result.Outcome), text);
        }
    }

    private static string Generate(Random random, int depth)
    {
        if (depth > 3 || random.Next(3) == 0)
        {
            return random.Next(8) switch
            {
                0 => "result.p99",
                1 => "result.samples[" + random.Next(-1, 6) + "]",
                2 => random.NextDouble().ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                3 => "\"pass\"",
                4 => "result.nan",
                5 => "null",
                6 => random.Next(2) == 0 ? "true" : "false",
                _ => "result.missing",
            };
        }

        string[] binary = ["&&", "||", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"];
        return random.Next(5) switch
        {
            0 => "!" + Generate(random, depth + 1),
            1 => "len(" + Generate(random, depth + 1) + ")",
            2 => "default(" + Generate(random, depth + 1) + ", " + Generate(random, depth + 1) + ")",
            3 => "(" + Generate(random, depth + 1) + ")",
            _ => Generate(random, depth + 1) + " " + binary[random.Next(binary.Length)] + " " + Generate(random, depth + 1),
        };
    }
}
