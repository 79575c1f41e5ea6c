using System.Globalization;
using System.Text;
using Code.Learning.CanaryJudge;
using Xunit.Abstractions;

namespace Code.Learning.Tests.CanaryJudge.Evaluation.HeldOut;

/// <summary>
/// The judge on the held-out set (<see cref="HeldOutComparisonGenerator"/>), which no judge parameter was tuned on.
/// Prints the tables of docs/learning.md and asserts the goals of issue 10. The default size keeps the test to a
/// few seconds; set CODE_CANARY_EVAL_CASES (for example 20000) for a larger run (the goals are asserted on the
/// default size only).
/// </summary>
public class HeldOutEvaluationTests(ITestOutputHelper output)
{
    private const int DefaultCases = 2000;

    private static readonly RelativeStaticRule[] StaticRules =
    [
        RelativeStaticRule.Median(0.05), RelativeStaticRule.Median(0.10), RelativeStaticRule.Median(0.20),
        RelativeStaticRule.Tail(0.95, 0.10), RelativeStaticRule.Tail(0.95, 0.25),
    ];

    internal static EvaluationReport Evaluate(IReadOnlyList<HeldOutCase> cases, ICanaryJudge judge) =>
        new([.. cases.Select(c => new JudgedCase(
                c.Regression.ToString(),
                c.Magnitude,
                c.SamplesPerSide,
                judge.Judge(c.Request).Verdict,
                [.. StaticRules.Select(r => r.Fails(c.Request))]))],
            [.. StaticRules.Select(r => r.Name)],
            scoredMagnitude: 0.10);

    [Fact]
    public void Judge_meets_the_goals_on_the_held_out_set()
    {
        var requested = Environment.GetEnvironmentVariable("CODE_CANARY_EVAL_CASES");
        var count = int.TryParse(requested, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultCases;
        var cases = HeldOutComparisonGenerator.Generate(count);
        var report = Evaluate(cases, CanaryJudges.Create());

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Held-out set, seed {HeldOutComparisonGenerator.Seed}, {count} cases (cells: failed % / inconclusive %).");
        text.AppendLine();
        text.AppendLine("All regressions:");
        text.AppendLine();
        text.AppendLine(report.OutcomeTable(HeldOutComparisonGenerator.SampleSizes, HeldOutComparisonGenerator.Magnitudes));
        foreach (var kind in new[] { HeldOutRegression.LatencyLevel, HeldOutRegression.LatencyTail, HeldOutRegression.ErrorRate })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{kind} regressions:");
            text.AppendLine();
            text.AppendLine(report.OutcomeTable(HeldOutComparisonGenerator.SampleSizes, HeldOutComparisonGenerator.Magnitudes, c => c.Kind == kind.ToString()));
        }

        text.AppendLine(report.SummaryTable("canary judge (defaults)"));
        var goal = GoalCases(report).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"Detection of regressions >= 25 % with >= 30 samples per side: {EvaluationReport.Count(goal, c => c.JudgeFailed)}");
        foreach (var kind in new[] { HeldOutRegression.LatencyLevel, HeldOutRegression.LatencyTail, HeldOutRegression.ErrorRate })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {kind}: {EvaluationReport.Count(goal.Where(c => c.Kind == kind.ToString()), c => c.JudgeFailed)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Regressions passed: {EvaluationReport.Count(report.Cases.Where(c => c.Regressed), c => c.Verdict == CanaryVerdict.Pass)}");
        foreach (var kind in new[] { HeldOutRegression.LatencyLevel, HeldOutRegression.LatencyTail, HeldOutRegression.ErrorRate })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {kind}: {EvaluationReport.Count(report.Cases.Where(c => c.Kind == kind.ToString()), c => c.Verdict == CanaryVerdict.Pass)}");
        }

        output.WriteLine(text.ToString());
        if (count != DefaultCases)
        {
            return;
        }

        Assert.True(report.FalseFailureRate <= 0.02, $"false failures {report.FalseFailureRate:P1}");
        Assert.True(EvaluationReport.Rate(goal, c => c.JudgeFailed) >= 0.95, $"detection of >= 25 % with >= 30 samples {EvaluationReport.Rate(goal, c => c.JudgeFailed):P1}");
        Assert.DoesNotContain(report.Cases, c => c.Regressed && c.Verdict == CanaryVerdict.Pass);
    }

    private static IEnumerable<JudgedCase> GoalCases(EvaluationReport report) =>
        report.Cases.Where(c => c.Magnitude >= 0.25 && c.SamplesPerSide >= 30);
}
