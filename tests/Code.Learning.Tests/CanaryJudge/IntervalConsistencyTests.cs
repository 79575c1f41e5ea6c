using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Issue 10: the Hodges-Lehmann interval came from a different distribution than the exact p-value.</summary>
public class IntervalConsistencyTests
{
    private static readonly ICanaryJudge Judge = CanaryJudges.Create();

    [Fact]
    public void A_high_metric_from_an_exact_test_has_an_interval_excluding_zero()
    {
        // U = 24 of 25: exact p = 2 * 2/252 = 0.0159 < 0.02. Before: High with the interval (-∞, ∞).
        var metric = Judge.Judge(CanaryData.Single([100, 101, 102, 103, 105], [104, 130, 131, 132, 133])).Metrics[0];
        Assert.True(metric.ExactPValue);
        Assert.Equal(0.015873015873015872, metric.PValue, 12);
        Assert.Equal(CanaryMetricClassification.High, metric.Classification);
        Assert.Equal(1, metric.EffectLower);
        Assert.Equal(32, metric.EffectUpper);
    }

    [Fact]
    public void Every_metric_is_significant_exactly_when_its_interval_excludes_zero()
    {
        // Small samples (exact test), integer values (ties: normal approximation), with and without shifts.
        var random = new Random(31);
        var checkedCount = 0;
        for (var i = 0; i < 400; i++)
        {
            var n = 5 + (i % 30);
            var shift = (i % 4) * 2.0;
            var integer = i % 3 == 0;
            double[] Sample(double mean) => [.. CanaryData.Normal(random, n, mean, 4).Select(v => integer ? Math.Round(v) : v)];
            var metric = Judge.Judge(CanaryData.Single(Sample(100), Sample(100 + shift), MetricDirection.Either, tolerance: 0, tailQuantile: null)).Metrics[0];
            if (metric.Classification == CanaryMetricClassification.NoData)
            {
                continue;
            }

            var level = 1 - metric.Confidence;
            var excludesZero = metric.EffectLower > 0 || metric.EffectUpper < 0;
            Assert.True(!excludesZero || metric.PValue < level, $"case {i}: interval [{metric.EffectLower}, {metric.EffectUpper}] excludes 0 but p = {metric.PValue}");
            Assert.True(excludesZero || metric.PValue >= level || metric.EffectLower == 0 || metric.EffectUpper == 0, $"case {i}: p = {metric.PValue} but interval [{metric.EffectLower}, {metric.EffectUpper}]");
            Assert.Equal(excludesZero, metric.Failed);
            checkedCount++;
        }

        Assert.True(checkedCount > 350);
    }
}
