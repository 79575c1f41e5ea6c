using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class HodgesLehmannTests
{
    [Fact]
    public void Estimate_is_the_median_of_pairwise_differences()
    {
        // Differences of {4,5,6} - {1,2,3}: 1,2,2,3,3,3,4,4,5 -> median 3.
        Assert.Equal(3, HodgesLehmann.Estimate([1, 2, 3], [4, 5, 6]));
        // Even count: {1,2} vs {2,4}: 0,1,2,3 -> (1 + 2) / 2.
        Assert.Equal(1.5, HodgesLehmann.Estimate([1, 2], [2, 4]));
    }

    [Theory]
    [InlineData(1, 40, 60)]
    [InlineData(2, 300, 200)]
    [InlineData(3, 17, 400)]
    public void Selection_agrees_with_sorting_every_difference(int seed, int m, int n)
    {
        var random = new Random(seed);
        // Rounded values force many ties among the differences.
        var first = Enumerable.Range(0, m).Select(_ => Math.Round(random.NextDouble() * 50)).Order().ToArray();
        var second = Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 60)).Order().ToArray();
        var all = (from x in first from y in second select y - x).Order().ToArray();
        foreach (var k in new long[] { 0, 1, all.Length / 3, all.Length / 2, all.Length - 1 })
        {
            Assert.Equal(all[k], HodgesLehmann.SelectDifference(first, second, k));
        }

        var median = all.Length % 2 == 1 ? all[all.Length / 2] : 0.5 * (all[(all.Length / 2) - 1] + all[all.Length / 2]);
        Assert.Equal(median, HodgesLehmann.Estimate(first, second));
    }

    [Fact]
    public void Confidence_interval_contains_the_true_shift()
    {
        var random = new Random(9);
        var first = Enumerable.Range(0, 200).Select(_ => random.NextDouble() * 10).Order().ToArray();
        var second = Enumerable.Range(0, 200).Select(_ => (random.NextDouble() * 10) + 2).Order().ToArray();
        var (lower, upper) = HodgesLehmann.ConfidenceInterval(first, second, MannWhitneyU.Test(first, second), 0.02);
        Assert.True(lower < 2 && 2 < upper, $"[{lower}, {upper}]");
        Assert.True(lower > 1 && upper < 3, $"[{lower}, {upper}]");
    }

    [Theory]
    [InlineData(11, false)]
    [InlineData(12, true)]
    public void The_interval_is_the_set_of_shifts_the_test_does_not_reject(int seed, bool ties)
    {
        var random = new Random(seed);
        var n = ties ? 40 : 9;
        var first = Enumerable.Range(0, n).Select(_ => ties ? Math.Round(random.NextDouble() * 20) : random.NextDouble() * 20).Order().ToArray();
        var second = Enumerable.Range(0, n + 3).Select(_ => ties ? Math.Round((random.NextDouble() * 20) + 4) : (random.NextDouble() * 20) + 4).Order().ToArray();
        var test = MannWhitneyU.Test(first, second);
        Assert.Equal(!ties, test.Exact);
        const double Alpha = 0.05;
        var (lower, upper) = HodgesLehmann.ConfidenceInterval(first, second, test, Alpha);
        var differences = (from x in first from y in second select y - x).Distinct().Order().ToArray();
        var z = NormalDistribution.Quantile(1 - (Alpha / 2));
        for (var i = 0; i + 1 < differences.Length; i++)
        {
            // A shift strictly between two differences: U(δ) counts the differences above it.
            var shift = 0.5 * (differences[i] + differences[i + 1]);
            var u = (from x in first from y in second where y - x > shift select 1).Count();
            bool accepted;
            if (test.Exact)
            {
                var shifted = second.Select(v => v - shift).ToArray();
                accepted = MannWhitneyU.Test(first, shifted).PValue >= Alpha;
            }
            else
            {
                // The normal test with the observed samples' σ (as the interval keeps it).
                accepted = Math.Max(0, Math.Abs(u - (test.Pairs / 2.0)) - 0.5) <= z * test.Sigma;
            }

            Assert.Equal(accepted, shift > lower && shift < upper);
        }
    }
}
