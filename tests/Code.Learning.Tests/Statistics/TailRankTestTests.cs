using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class TailRankTestTests
{
    private static double[] Sorted(IEnumerable<double> values) => [.. values.Order()];

    [Fact]
    public void The_interval_is_the_set_of_shifts_the_test_does_not_reject()
    {
        var random = new Random(3);
        var first = Sorted(Enumerable.Range(0, 80).Select(_ => Math.Round(100 * Math.Exp(0.3 * Gauss(random)))));
        var second = Sorted(Enumerable.Range(0, 90).Select(_ => Math.Round(130 * Math.Exp(0.3 * Gauss(random)))));
        var test = TailRankTest.Create(first, second, 0.9, upper: true);
        const double Alpha = 0.02;
        var (lower, upper) = test.Interval(Alpha);
        Assert.True(lower < upper);
        for (var shift = lower - 30; shift <= upper + 30; shift += 0.37)
        {
            var shifted = second.Select(v => v - shift).ToArray();
            var accepted = TailRankTest.Create(first, shifted, 0.9, upper: true).PValue >= Alpha;

            // The interval keeps the mean and σ of the observed samples; away from its ends the shifted test agrees.
            if (shift < lower - 1 || shift > upper + 1)
            {
                Assert.False(accepted && Math.Abs(TailRankTest.Create(first, shifted, 0.9, upper: true).PValue - Alpha) > 0.01, $"shift {shift} outside [{lower}, {upper}] but accepted");
            }
            else if (shift > lower + 1 && shift < upper - 1)
            {
                Assert.True(accepted || Math.Abs(TailRankTest.Create(first, shifted, 0.9, upper: true).PValue - Alpha) < 0.01, $"shift {shift} inside [{lower}, {upper}] but rejected");
            }
        }

        var estimate = test.Estimate();
        Assert.InRange(estimate, lower, upper);
    }

    [Fact]
    public void Zero_is_outside_the_interval_exactly_when_p_is_below_alpha()
    {
        var random = new Random(4);
        for (var i = 0; i < 200; i++)
        {
            var first = Sorted(Enumerable.Range(0, 60 + i).Select(_ => Math.Round(50 + (10 * Gauss(random)))));
            var second = Sorted(Enumerable.Range(0, 60 + i).Select(_ => Math.Round(50 + (10 * Gauss(random)) + (random.NextDouble() < 0.1 ? 15 : 0))));
            var test = TailRankTest.Create(first, second, 0.9, upper: true, varianceInflation: 1 + (i % 3), degreesOfFreedom: i % 3 == 0 ? double.PositiveInfinity : 40);
            var (lower, upper) = test.Interval(0.02);
            Assert.Equal(test.PValue < 0.02, lower > 0 || upper < 0);
        }
    }

    [Fact]
    public void The_lower_tail_is_the_upper_tail_mirrored()
    {
        var random = new Random(5);
        var first = Sorted(Enumerable.Range(0, 150).Select(_ => 100 + (5 * Gauss(random))));
        var second = Sorted(Enumerable.Range(0, 150).Select(_ => 100 + (5 * Gauss(random)) - (random.NextDouble() < 0.1 ? 40 : 0)));
        var lowerTail = TailRankTest.Create(first, second, 0.95, upper: false);
        var mirrored = TailRankTest.Create(Sorted(first.Select(v => -v)), Sorted(second.Select(v => -v)), 0.95, upper: true);
        Assert.Equal(mirrored.PValue, lowerTail.PValue, 12);
        Assert.Equal(0.05, lowerTail.Quantile, 12);
        Assert.Equal(-mirrored.Estimate(), lowerTail.Estimate(), 9);
        var (lower, upper) = lowerTail.Interval(0.02);
        Assert.True(upper < 0, $"[{lower}, {upper}]");
    }

    [Fact]
    public void Hand_checked_statistic_without_ties()
    {
        // 10 + 10 values, q = 0.8: the top K = 4 pooled values are 21, 22, 23 (second) and 20 (first): S = 3,
        // mean 10·4/20 = 2, variance 100/380 · (4 - 20·0.04) = 0.8421; z = (1 - 0.5)/0.9177, p = 0.5858.
        double[] first = [1, 2, 3, 4, 5, 6, 7, 8, 9, 20];
        double[] second = [10, 11, 12, 13, 14, 15, 16, 21, 22, 23];
        var test = TailRankTest.Create(first, second, 0.8, upper: true);
        Assert.Equal(2 * (1 - NormalDistribution.Cdf(0.5 / Math.Sqrt(100.0 / 380 * 3.2))), test.PValue, 9);
    }

    private static double Gauss(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
