using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Issue 10: samples scraped at intervals are autocorrelated; AR(1) ρ = 0.5 made a nominal 2 % test significant 18 % of the time.</summary>
public class AutocorrelationTests
{
    private static int Significant(ICanaryJudge judge, int runs, int count, double rho, int seed)
    {
        var random = new Random(seed);
        var significant = 0;
        for (var r = 0; r < runs; r++)
        {
            var metric = judge.Judge(CanaryData.Single(CanaryData.Autoregressive(random, count, rho), CanaryData.Autoregressive(random, count, rho), MetricDirection.Either, tolerance: 0, tailQuantile: null)).Metrics[0];
            significant += metric.Failed ? 1 : 0;
        }

        return significant;
    }

    [Fact]
    public void Autocorrelated_noise_is_significant_about_as_often_as_alpha()
    {
        // Before: 175 of 1000 at nominal 2 %.
        var significant = Significant(CanaryJudges.Create(), 1000, 60, 0.5, seed: 7);
        Assert.True(significant <= 30, $"{significant}/1000 significant at nominal 2 %");
    }

    [Fact]
    public void Without_the_adjustment_the_nominal_level_is_exceeded_many_times_over()
    {
        var significant = Significant(CanaryJudges.Create(new CanaryJudgeOptions { AdjustForAutocorrelation = false }), 500, 60, 0.5, seed: 7);
        Assert.True(significant >= 50, $"{significant}/500");
    }

    [Fact]
    public void A_drift_shared_by_aligned_sides_is_not_taken_for_dependence()
    {
        // Both sides follow the same slow wave at the same times; the paired rank differences do not.
        var random = new Random(71);
        var drift = Enumerable.Range(0, 120).Select(t => 20 * Math.Sin(2 * Math.PI * t / 120)).ToArray();
        var baseline = CanaryData.Normal(random, 120, 100, 5).Select((v, t) => v + drift[t]).ToArray();
        var canary = CanaryData.Normal(random, 120, 100, 5).Select((v, t) => v + drift[t]).ToArray();
        var metric = CanaryJudges.Create().Judge(CanaryData.Single(baseline, canary)).Metrics[0];
        Assert.InRange(metric.VarianceInflation, 1, 1.5);
        Assert.True(metric.ExactPValue || metric.VarianceInflation < 1.5);
    }
}
