using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class MannWhitneyUTests
{
    [Fact]
    public void Complete_separation_of_three_and_three_has_exact_p_one_tenth()
    {
        // U = 9 is the single most extreme of C(6,3) = 20 arrangements: one-sided 1/20, two-sided 0.1.
        var result = MannWhitneyU.Test([1, 2, 3], [4, 5, 6]);
        Assert.True(result.Exact);
        Assert.Equal(9, result.U);
        Assert.Equal(0.1, result.PValue, 12);
    }

    [Fact]
    public void Exact_p_value_counts_arrangements_by_hand()
    {
        // first {1,3,5}, second {2,4,6,8}: U = 9 of 12. P(U >= 9) = P(U <= 3) = (1+1+2+3)/35 = 0.2.
        var result = MannWhitneyU.Test([1, 3, 5], [2, 4, 6, 8]);
        Assert.Equal(9, result.U);
        Assert.Equal(0.4, result.PValue, 12);
    }

    [Fact]
    public void Matches_the_Hollander_and_Wolfe_example_of_R_wilcox_test()
    {
        // R: wilcox.test(x, y, alternative = "greater") gives W = 35, p = 0.1272; two-sided 0.2544.
        double[] x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
        double[] y = [1.15, 0.88, 0.90, 0.74, 1.21];
        Array.Sort(x);
        Array.Sort(y);
        var result = MannWhitneyU.Test(y, x);
        Assert.Equal(35, result.U);
        Assert.True(result.Exact);
        Assert.Equal(0.2544, Math.Round(result.PValue, 4));
    }

    [Fact]
    public void Ties_use_the_normal_approximation_with_tie_correction()
    {
        // Ranks 1, 3, 3, 3, 6, 6, 6, 8; U(second) = 13; variance 16/12 * (9 - 48/56);
        // z = (13 - 8 - 0.5) / sqrt(variance) = 1.365698; p = erfc(z / sqrt 2) = 0.1720337.
        var result = MannWhitneyU.Test([1, 2, 2, 3], [2, 3, 3, 4]);
        Assert.False(result.Exact);
        Assert.Equal(13, result.U);
        Assert.Equal(1.365698202, result.Z, 6);
        Assert.Equal(0.1720337, result.PValue, 5);
    }

    [Fact]
    public void Large_samples_use_the_normal_approximation_and_agree_with_exact_near_the_limit()
    {
        var random = new Random(5);
        var first = Enumerable.Range(0, 25).Select(_ => random.NextDouble()).Order().ToArray();
        var second = Enumerable.Range(0, 25).Select(_ => random.NextDouble() + 0.2).Order().ToArray();
        var exact = MannWhitneyU.Test(first, second);
        var approximate = MannWhitneyU.Test(first, second.Append(10).ToArray());
        Assert.True(exact.Exact);
        Assert.False(approximate.Exact);
        Assert.InRange(exact.PValue, 0, 0.05);
        Assert.InRange(approximate.PValue / exact.PValue, 0.3, 3);
    }

    [Fact]
    public void All_values_equal_gives_p_one()
    {
        var result = MannWhitneyU.Test(Enumerable.Repeat(1.0, 40).ToArray(), Enumerable.Repeat(1.0, 40).ToArray());
        Assert.Equal(1, result.PValue);
    }

    [Fact]
    public void Normal_tail_matches_known_values()
    {
        Assert.Equal(0.157299207, NormalDistribution.Erfc(1), 7);
        Assert.Equal(0.0499958, NormalDistribution.TwoSidedPValue(1.96), 6);
        Assert.Equal(2.326348, NormalDistribution.Quantile(0.99), 5);
    }
}
