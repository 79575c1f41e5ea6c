using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Issue 10: per-side Tukey fences could cut a whole mode from one side of bimodal data.</summary>
public class OutlierFenceTests
{
    private static readonly ICanaryJudge Judge = CanaryJudges.Create();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bimodal_noise_does_not_fail_and_a_doubling_is_caught(bool removeOutliers)
    {
        // Before: per-side fences on by default: 9 of 200 noise comparisons failed (4.5 %).
        var random = new Random(100);
        int falseFailures = 0, missed = 0;
        for (var i = 0; i < 200; i++)
        {
            var noise = Judge.Judge(CanaryData.Single(CanaryData.Bimodal(random, 60, 0.25), CanaryData.Bimodal(random, 60, 0.25), removeOutliers: removeOutliers));
            falseFailures += CanaryData.Failed(noise.Verdict) ? 1 : 0;
            var doubled = Judge.Judge(CanaryData.Single(CanaryData.Bimodal(random, 60, 0.25), CanaryData.Bimodal(random, 60, 0.25, scale: 2), removeOutliers: removeOutliers));
            missed += CanaryData.Failed(doubled.Verdict) ? 0 : 1;
        }

        Assert.True(falseFailures <= 4, $"false failures {falseFailures}/200");
        Assert.Equal(0, missed);
    }

    [Fact]
    public void Pooled_fences_remove_the_same_values_from_both_sides()
    {
        // 20 % of each side in the slow mode: the pooled Q3 lies in the fast mode, so the slow mode is cut from both.
        var random = new Random(101);
        var baseline = CanaryData.Bimodal(random, 100, 0.2);
        var canary = CanaryData.Bimodal(random, 100, 0.2);
        var metric = Judge.Judge(CanaryData.Single(baseline, canary, removeOutliers: true)).Metrics[0];
        Assert.Equal(baseline.Count(v => v > 500) + canary.Count(v => v > 500), metric.Removed);
        Assert.NotEqual(CanaryMetricClassification.High, metric.Classification);
    }

    [Fact]
    public void Fences_that_would_remove_a_quarter_of_a_side_are_not_applied()
    {
        // The canary is entirely ten times slower: pooled fences from 100 baseline and 20 canary values would cut
        // every canary value, which is a shift, not outliers.
        var random = new Random(102);
        var metric = Judge.Judge(CanaryData.Single(CanaryData.Normal(random, 100, 100, 5), CanaryData.Normal(random, 20, 1000, 50), removeOutliers: true)).Metrics[0];
        Assert.Equal(0, metric.Removed);
        Assert.Equal(CanaryMetricClassification.High, metric.Classification);
        Assert.Contains("outlier fences not applied", metric.Reason, StringComparison.Ordinal);
    }
}
