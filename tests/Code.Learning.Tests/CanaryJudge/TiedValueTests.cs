using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Metrics with heavy ties: whole milliseconds of a fast endpoint, error percentages that are mostly 0.</summary>
public class TiedValueTests
{
    private static readonly ICanaryJudge Judge = CanaryJudges.Create();

    private static double[] Milliseconds(Random random, int count, double mean) =>
        [.. Enumerable.Range(0, count).Select(_ => Math.Max(1, Math.Round(mean * Math.Exp(0.25 * CanaryData.Gauss(random)))))];

    /// <summary>Errors in 500 requests per interval at the given rate, as a percentage (mostly 0 at low rates).</summary>
    private static double[] ErrorPercent(Random random, int count, double rate) =>
        [.. Enumerable.Range(0, count).Select(_ => 100.0 * Enumerable.Range(0, 500).Count(_ => random.NextDouble() < rate) / 500)];

    [Fact]
    public void Whole_millisecond_noise_does_not_fail_and_a_doubling_does()
    {
        var random = new Random(51);
        int falseFailures = 0, caught = 0;
        for (var i = 0; i < 200; i++)
        {
            falseFailures += CanaryData.Failed(Judge.Judge(CanaryData.Single(Milliseconds(random, 60, 4), Milliseconds(random, 60, 4))).Verdict) ? 1 : 0;
            caught += CanaryData.Failed(Judge.Judge(CanaryData.Single(Milliseconds(random, 60, 4), Milliseconds(random, 60, 8))).Verdict) ? 1 : 0;
        }

        Assert.True(falseFailures <= 4, $"false failures {falseFailures}/200");
        Assert.True(caught >= 196, $"caught {caught}/200");
    }

    [Fact]
    public void Mostly_zero_error_percentages_are_judged_against_the_baseline_mean()
    {
        var random = new Random(52);
        int falseFailures = 0, caught = 0;
        for (var i = 0; i < 100; i++)
        {
            falseFailures += CanaryData.Failed(Judge.Judge(CanaryData.Single(ErrorPercent(random, 200, 0.0005), ErrorPercent(random, 200, 0.0005))).Verdict) ? 1 : 0;
            var regressed = Judge.Judge(CanaryData.Single(ErrorPercent(random, 200, 0.0005), ErrorPercent(random, 200, 0.0015)));
            caught += CanaryData.Failed(regressed.Verdict) ? 1 : 0;
            if (i == 0)
            {
                var metric = regressed.Metrics[0];
                Assert.Equal(0, metric.BaselineMedian);
                Assert.True(metric.ToleratedShift > 0);
            }
        }

        Assert.True(falseFailures <= 2, $"false failures {falseFailures}/100");
        Assert.True(caught >= 80, $"caught {caught}/100");
    }

    [Fact]
    public void A_bound_on_a_tied_difference_does_not_rule_out_a_rate_that_grew()
    {
        // One error per interval on average in 500 requests: every value is a multiple of 0.2 %, the pairwise
        // differences are 0 so often that the Hodges-Lehmann bounds sit on 0 even when the rate rose by half.
        // Before: Pass (the bound 0 was "within" a tolerance of 5 % of the level, far below one step of 0.2 %).
        var random = new Random(53);
        var passed = 0;
        for (var i = 0; i < 30; i++)
        {
            var judgment = Judge.Judge(CanaryData.Single(ErrorPercent(random, 300, 0.002), ErrorPercent(random, 300, 0.003), tailQuantile: null));
            passed += judgment.Verdict == CanaryVerdict.Pass ? 1 : 0;
            if (i == 0)
            {
                var metric = judgment.Metrics[0];
                Assert.True(metric.EquivalenceUpper >= 0.2 - 1e-12, $"bound {metric.EquivalenceUpper}");
            }
        }

        Assert.Equal(0, passed);
    }
}
