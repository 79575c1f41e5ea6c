using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Issue 10: regressions in the tail (p95/p99 worse, median unchanged) were not detected.</summary>
public class TailRegressionTests
{
    private static readonly ICanaryJudge Judge = CanaryJudges.Create();

    private static double[] LogNormal(Random random, int count, double slowShare = 0, double slowFactor = 1) =>
        [.. Enumerable.Range(0, count).Select(_ => 100 * Math.Exp(0.2 * CanaryData.Gauss(random)) * (random.NextDouble() < slowShare ? slowFactor : 1))];

    [Fact]
    public void A_slower_tenth_of_the_canary_is_caught_by_the_tail_test()
    {
        // Before: 50 of 50 missed (the median barely moves).
        var random = new Random(9);
        var missed = 0;
        for (var r = 0; r < 50; r++)
        {
            var judgment = Judge.Judge(CanaryData.Single(LogNormal(random, 300), LogNormal(random, 300, 0.1, 3)));
            missed += CanaryData.Failed(judgment.Verdict) ? 0 : 1;
            if (r == 0)
            {
                var metric = judgment.Metrics[0];
                var tail = Assert.Single(metric.Tails);
                Assert.True(tail.Failed);
                Assert.Equal(0.95, tail.Quantile);
                Assert.True(tail.Lower > 0 && tail.PValue < 1 - tail.Confidence);
                Assert.Contains("tail beyond p95", metric.Reason, StringComparison.Ordinal);
                Assert.True(Math.Abs(metric.RelativeEffect) < 0.1, $"location shift {metric.RelativeEffect:P1}");
            }
        }

        Assert.True(missed <= 2, $"missed {missed}/50");
    }

    [Fact]
    public void Heavy_tailed_noise_does_not_fail_the_tail_test()
    {
        var random = new Random(10);
        var failed = 0;
        for (var r = 0; r < 300; r++)
        {
            // Log-normal body with Pareto excursions on 5 % of the intervals, the same on both sides.
            double[] Sample() => [.. Enumerable.Range(0, 200).Select(_ => 100 * Math.Exp(0.1 * CanaryData.Gauss(random)) * (random.NextDouble() < 0.05 ? Math.Pow(1 - random.NextDouble(), -1 / 1.5) : 1))];
            var metric = Judge.Judge(CanaryData.Single(Sample(), Sample())).Metrics[0];
            failed += metric.Tails.Any(t => t.Failed) ? 1 : 0;
        }

        Assert.True(failed <= 6, $"{failed}/300 noise comparisons failed the tail test");
    }

    [Fact]
    public void A_lower_tail_regression_of_a_decrease_metric_is_low()
    {
        // Throughput: 10 % of the canary's intervals at a third; the median is unchanged.
        var random = new Random(11);
        var baseline = LogNormal(random, 300);
        var canary = LogNormal(random, 300, 0.1, 1.0 / 3);
        var metric = Judge.Judge(CanaryData.Single(baseline, canary, MetricDirection.Decrease)).Metrics[0];
        Assert.Equal(CanaryMetricClassification.Low, metric.Classification);
        var tail = Assert.Single(metric.Tails);
        Assert.Equal(0.05, tail.Quantile, 12);
        Assert.True(tail.Upper < 0);
    }

    [Fact]
    public void Too_few_values_for_the_tail_make_no_tail_test()
    {
        var random = new Random(12);
        var metric = Judge.Judge(CanaryData.Single(LogNormal(random, 40), LogNormal(random, 40))).Metrics[0];
        Assert.Empty(metric.Tails);
    }
}
