using System.Globalization;
using System.Text;
using Code.Learning.CanaryJudge;
using Xunit.Abstractions;

namespace Code.Learning.Tests.CanaryJudge.Evaluation;

/// <summary>
/// The development set: the generator the judge was developed and tuned on (seed 20261126), scored against
/// Flagger-style static thresholds and relative static rules. Prints the tables recorded in docs/learning.md.
/// </summary>
public class CanaryEvaluationTests(ITestOutputHelper output)
{
    private const int Seed = 20261126;
    private const int Cases = 1000;
    private static readonly double[] StaticMargins = [0.10, 0.20, 0.30, 0.50];

    internal static CanaryJudgeRequest ToRequest(CanaryScenario scenario)
    {
        CanaryMetricSamples Metric(ScenarioMetric metric, string name, string group) =>
            new(new CanaryMetricConfig(name) { Group = group, Direction = MetricDirection.Increase }, scenario.Baseline[metric], scenario.Canary[metric]);

        return new CanaryJudgeRequest([
            Metric(ScenarioMetric.Latency, "latency_p99_ms", "latency"),
            Metric(ScenarioMetric.ErrorRate, "error_rate", "errors"),
            Metric(ScenarioMetric.Saturation, "cpu_percent", "saturation"),
        ]);
    }

    internal static EvaluationReport Evaluate(List<CanaryScenario> scenarios, CanaryJudgeOptions? options = null)
    {
        var judge = CanaryJudges.Create(options);
        var flagger = new List<StaticThresholdJudge> { StaticThresholdJudge.FlaggerDefaults };
        flagger.AddRange(StaticMargins.Select(StaticThresholdJudge.PerService));
        var relative = new[] { RelativeStaticRule.Median(0.05), RelativeStaticRule.Median(0.10), RelativeStaticRule.Median(0.20) };
        var names = flagger.Select(s => s.Name).Concat(relative.Select(r => r.Name)).ToList();
        var cases = scenarios.Select(s =>
        {
            var request = ToRequest(s);
            var statics = flagger.Select(f => f.Fails(s)).Concat(relative.Select(r => r.Fails(request))).ToArray();
            return new JudgedCase(s.Regressed?.ToString() ?? "none", s.Magnitude, s.Canary[ScenarioMetric.Latency].Length, judge.Judge(request).Verdict, statics);
        }).ToList();
        return new EvaluationReport(cases, names, scoredMagnitude: 0.10);
    }

    [Fact]
    public void Judge_meets_the_goals_on_the_development_set()
    {
        var report = Evaluate(CanaryScenarioGenerator.Generate(Seed, Cases));
        var hard = Evaluate(CanaryScenarioGenerator.Generate(Seed + 1, Cases, noise: 2.5, intervals: 30));

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Development set, seed {Seed}, {Cases} cases (cells: failed % / inconclusive %):");
        text.AppendLine();
        text.AppendLine(report.OutcomeTable([60, 120], CanaryScenarioGenerator.Magnitudes));
        text.AppendLine(report.SummaryTable("canary judge (defaults)"));
        text.AppendLine(CultureInfo.InvariantCulture, $"Harder set, seed {Seed + 1}, 2.5x interval noise, 30 intervals per side:");
        text.AppendLine();
        text.AppendLine(hard.OutcomeTable([30], CanaryScenarioGenerator.Magnitudes));
        text.AppendLine(hard.SummaryTable("canary judge (defaults)"));
        output.WriteLine(text.ToString());

        Assert.True(report.FalseFailureRate <= 0.02, $"false failures {report.FalseFailureRate:P1}");
        Assert.True(hard.FalseFailureRate <= 0.02, $"hard set: false failures {hard.FalseFailureRate:P1}");
        var big = report.Cases.Where(c => c.Magnitude >= 0.20).ToList();
        Assert.True(EvaluationReport.Rate(big, c => c.JudgeFailed) >= 0.95, "detection of regressions >= 20 %");
        Assert.DoesNotContain(report.Cases, c => c.Magnitude >= 0.10 && c.Verdict == CanaryVerdict.Pass);
        Assert.True(report.F1(c => c.JudgeFailed) > report.BestStaticF1(), "judge F1 above every static rule");
    }
}
