using System.Globalization;
using System.Text;
using Code.Learning.CanaryJudge;
using Xunit.Abstractions;

namespace Code.Learning.Tests.CanaryJudge.Evaluation.HeldOut;

/// <summary>
/// The judge on the held-out set (<see cref="HeldOutComparisonGenerator"/>), which no judge parameter was tuned on.
/// Prints the tables of docs/learning.md and asserts the goals of issue 10 that the judge meets: false failures at
/// most 2 %, and no regression passed except a tail-only one the tail test cannot see (the Pass contract covers
/// shifts of the distribution, not every tail). The third goal, detection of at least 95 % of the regressions of
/// 25 % or more with 30 or more samples per side, is NOT met (65 % on the default run; see docs/learning.md);
/// the test guards the measured figures so that they cannot silently get worse. The default size keeps the test
/// to a few seconds; set CODE_CANARY_EVAL_CASES (for example 20000) for a larger run, which also prints the
/// judge at tolerances of 10 % and 20 % (nothing is asserted on a larger run).
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

        if (count != DefaultCases)
        {
            foreach (var tolerance in new[] { 0.10, 0.20 })
            {
                var looser = Evaluate([.. cases.Select(c => c with { Request = WithTolerance(c.Request, tolerance) })], CanaryJudges.Create());
                text.AppendLine(CultureInfo.InvariantCulture, $"Tolerance {tolerance:P0} on both metrics:");
                text.AppendLine();
                text.AppendLine(looser.OutcomeTable(HeldOutComparisonGenerator.SampleSizes, HeldOutComparisonGenerator.Magnitudes));
                text.AppendLine(looser.SummaryTable($"canary judge, tolerance {tolerance:P0}"));
                text.AppendLine(CultureInfo.InvariantCulture, $"Detection of regressions >= 25 % with >= 30 samples per side: {EvaluationReport.Count(GoalCases(looser), c => c.JudgeFailed)}; regressions passed: {EvaluationReport.Count(looser.Cases.Where(c => c.Regressed), c => c.Verdict == CanaryVerdict.Pass)}");
                text.AppendLine();
            }
        }

        output.WriteLine(text.ToString());
        if (count != DefaultCases)
        {
            return;
        }

        // Goals met.
        Assert.True(report.FalseFailureRate <= 0.02, $"false failures {report.FalseFailureRate:P1}");
        Assert.DoesNotContain(report.Cases, c => c.Regressed && c.Kind != nameof(HeldOutRegression.LatencyTail) && c.Verdict == CanaryVerdict.Pass);
        Assert.True(EvaluationReport.Rate(report.Cases.Where(c => c.Kind == nameof(HeldOutRegression.LatencyTail)), c => c.Verdict == CanaryVerdict.Pass) <= 0.01);

        // Goal not met (>= 95 %); these are the measured figures, kept from getting worse.
        Assert.True(EvaluationReport.Rate(goal, c => c.JudgeFailed) >= 0.65, $"detection of >= 25 % with >= 30 samples {EvaluationReport.Rate(goal, c => c.JudgeFailed):P1}");
        Assert.True(EvaluationReport.Rate(goal.Where(c => c.Kind == nameof(HeldOutRegression.LatencyLevel)), c => c.JudgeFailed) >= 0.94);
    }

    private static CanaryJudgeRequest WithTolerance(CanaryJudgeRequest request, double tolerance) =>
        request with
        {
            Metrics = [.. request.Metrics.Select(m => m with
            {
                Config = new CanaryMetricConfig(m.Config.Name) { Group = m.Config.Group, Direction = m.Config.Direction, Tolerance = tolerance },
            })],
        };

    private static IEnumerable<JudgedCase> GoalCases(EvaluationReport report) =>
        report.Cases.Where(c => c.Magnitude >= 0.25 && c.SamplesPerSide >= 30);
}
