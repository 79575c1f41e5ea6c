using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Issue 10: samples that cannot reach significance, or cannot rule out the tolerance, are Inconclusive, never Pass.</summary>
public class InconclusiveTests
{
    private static readonly ICanaryJudge Judge = CanaryJudges.Create();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void A_complete_hundredfold_separation_of_tiny_samples_is_inconclusive(int count)
    {
        // Before: Pass (with 3 or 4 values per side the smallest exact p-value is above 0.02).
        var baseline = Enumerable.Range(1, count).Select(i => (double)i).ToArray();
        var canary = baseline.Select(v => v * 100).ToArray();
        var judgment = Judge.Judge(CanaryData.Single(baseline, canary));
        var metric = judgment.Metrics[0];

        Assert.Equal(CanaryVerdict.Inconclusive, judgment.Verdict);
        Assert.Equal(CanaryMetricClassification.Inconclusive, metric.Classification);
        Assert.Contains("cannot reach significance", metric.Reason, StringComparison.Ordinal);
        Assert.True(double.IsNaN(metric.Score));

        // 5 per side is the smallest balanced exact test that can reach p < 0.02 (2 / C(10, 5) = 0.0079).
        Assert.Equal(5, metric.SamplesNeeded);
        Assert.Equal(5, judgment.SamplesNeeded);
        var five = Judge.Judge(CanaryData.Single([1, 2, 3, 4, 5], [100, 200, 300, 400, 500]));
        Assert.Equal(CanaryVerdict.Fail, five.Verdict);
    }

    [Fact]
    public void Noise_that_cannot_rule_out_the_tolerance_is_inconclusive_until_more_samples_decide_it()
    {
        var random = new Random(21);
        var judgment = Judge.Judge(CanaryData.Single(CanaryData.Normal(random, 20, 100, 10), CanaryData.Normal(random, 20, 100, 10)));
        var metric = judgment.Metrics[0];
        Assert.Equal(CanaryMetricClassification.Inconclusive, metric.Classification);
        Assert.True(metric.EquivalenceUpper > metric.ToleratedShift);
        Assert.True(metric.EffectLower < 0);
        // Half-widths shrink as 1/√n: the bound reaches the tolerance at n (U - E)² / (T - E)² if the estimate stays.
        var needed = Assert.IsType<int>(metric.SamplesNeeded);
        var factor = Math.Pow((metric.EquivalenceUpper - metric.Effect) / (metric.ToleratedShift - metric.Effect), 2);
        Assert.Equal((int)Math.Ceiling(20 * factor), needed);
        Assert.Equal(needed, judgment.SamplesNeeded);

        // The same process observed for longer passes.
        var extended = Judge.Judge(CanaryData.Single(CanaryData.Normal(random, 400, 100, 10), CanaryData.Normal(random, 400, 100, 10)));
        Assert.Equal(CanaryVerdict.Pass, extended.Verdict);
    }

    [Fact]
    public void A_regression_too_small_for_the_samples_is_never_passed()
    {
        // A 25 % shift with 40 % noise and 8-15 values per side: mostly undetectable. It may fail or be
        // Inconclusive, but Pass would claim the shift was ruled out.
        var random = new Random(22);
        int passed = 0, inconclusive = 0;
        for (var i = 0; i < 300; i++)
        {
            var n = 8 + (i % 8);
            var verdict = Judge.Judge(CanaryData.Single(CanaryData.Normal(random, n, 100, 40), CanaryData.Normal(random, n, 125, 40))).Verdict;
            passed += verdict == CanaryVerdict.Pass ? 1 : 0;
            inconclusive += verdict == CanaryVerdict.Inconclusive ? 1 : 0;
        }

        Assert.Equal(0, passed);
        Assert.True(inconclusive > 150, $"{inconclusive} inconclusive");
    }

    [Fact]
    public void One_inconclusive_metric_keeps_a_passing_canary_inconclusive()
    {
        var random = new Random(23);
        var judgment = Judge.Judge(new CanaryJudgeRequest([
            new CanaryMetricSamples(new CanaryMetricConfig("cpu") { Direction = MetricDirection.Increase }, CanaryData.Normal(random, 300, 50, 1), CanaryData.Normal(random, 300, 50, 1)),
            new CanaryMetricSamples(new CanaryMetricConfig("latency") { Direction = MetricDirection.Increase }, CanaryData.Normal(random, 15, 100, 20), CanaryData.Normal(random, 15, 100, 20)),
        ]));

        Assert.Equal(CanaryMetricClassification.Pass, judgment.Metrics[0].Classification);
        Assert.Equal(CanaryMetricClassification.Inconclusive, judgment.Metrics[1].Classification);
        Assert.Equal(CanaryVerdict.Inconclusive, judgment.Verdict);
        Assert.Equal(100, judgment.Score);
        Assert.Equal(judgment.Metrics[1].SamplesNeeded, judgment.SamplesNeeded);
        Assert.Contains("latency", judgment.Summary, StringComparison.Ordinal);
    }
}
