using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Issue 10: with one metric the score was only 0 or 100, so Marginal never happened.</summary>
public class ScoringTests
{
    private static readonly ICanaryJudge Judge = CanaryJudges.Create();

    /// <summary>A seeded baseline and the same values shifted by <paramref name="shift"/>, in shuffled order.</summary>
    private static CanaryJudgeRequest Shifted(double shift, double deviation, int count = 100, int seed = 41)
    {
        var random = new Random(seed);
        var baseline = CanaryData.Normal(random, count, 100, deviation);
        var canary = baseline.Select(v => v + shift).ToArray();
        random.Shuffle(canary);
        return CanaryData.Single(baseline, canary, tailQuantile: null);
    }

    [Fact]
    public void One_metric_just_beyond_its_tolerance_is_marginal()
    {
        // Before: Fail with score 0 (or Pass) — nothing in between.
        var judgment = Judge.Judge(Shifted(5.6, 10));
        var metric = judgment.Metrics[0];
        Assert.Equal(CanaryMetricClassification.High, metric.Classification);
        Assert.Equal(CanaryVerdict.Marginal, judgment.Verdict);
        Assert.InRange(judgment.Score, 75, 95);

        // The score is the share of the harmful half-interval within the tolerance: 100 (T - L) / (E - L).
        var expected = 100 * (metric.ToleratedShift - metric.EffectLower) / (metric.Effect - metric.EffectLower);
        Assert.Equal(expected, metric.Score, 9);
        Assert.Equal(metric.Score, judgment.Score, 9);
    }

    [Fact]
    public void One_metric_clearly_beyond_its_tolerance_fails_and_one_ruled_out_passes()
    {
        var failed = Judge.Judge(Shifted(20, 10));
        Assert.Equal(CanaryVerdict.Fail, failed.Verdict);
        Assert.Equal(0, failed.Score);
        Assert.True(failed.Metrics[0].EffectLower > failed.Metrics[0].ToleratedShift);

        var passed = Judge.Judge(Shifted(1, 5, count: 200));
        Assert.Equal(CanaryVerdict.Pass, passed.Verdict);
        Assert.Equal(100, passed.Score);
        Assert.True(passed.Metrics[0].EquivalenceUpper <= passed.Metrics[0].ToleratedShift);
    }

    [Theory]
    [InlineData(1, 95.0, CanaryVerdict.Pass)]
    [InlineData(2, 90.0, CanaryVerdict.Marginal)]
    [InlineData(6, 70.0, CanaryVerdict.Fail)]
    public void With_many_metrics_the_score_is_the_share_that_passed(int regressed, double score, CanaryVerdict verdict)
    {
        var random = new Random(42);
        var metrics = Enumerable.Range(0, 20).Select(i => new CanaryMetricSamples(
            new CanaryMetricConfig("m" + i) { Direction = MetricDirection.Increase, TailQuantile = null },
            CanaryData.Normal(random, 200, 100, 2),
            CanaryData.Normal(random, 200, i < regressed ? 150 : 100, 2))).ToList();
        var judgment = Judge.Judge(new CanaryJudgeRequest(metrics));
        Assert.Equal(score, judgment.Score, 9);
        Assert.Equal(verdict, judgment.Verdict);
        Assert.Equal(regressed, judgment.Metrics.Count(m => m.Failed));
    }
}
