using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

/// <summary>
/// p-values and intervals checked against SciPy 1.10.1, an independent implementation. The numbers come from
/// Reference/make_reference_values.py (its output is Reference/reference_values.txt); the samples are literal.
/// </summary>
public class ReferenceValueTests
{
    private static readonly double[] FiveBaseline = [100, 101, 102, 103, 105];
    private static readonly double[] FiveCanary = [104, 130, 131, 132, 133];
    private static readonly double[] TwelveBaseline = [12.1, 13.4, 9.8, 11.7, 10.2, 14.9, 12.8, 10.9, 11.1, 13.0, 9.5, 12.4];
    private static readonly double[] ThirteenCanary = [13.9, 15.2, 12.6, 14.4, 16.1, 13.1, 12.2, 15.8, 14.7, 13.6, 11.9, 15.0, 14.1];
    private static readonly double[] TiedBaseline = [12, 14, 13, 15, 12, 13, 14, 16, 13, 12, 15, 14, 13, 13, 17, 12, 14, 13, 15, 14, 12, 13, 16, 14, 13, 15, 13, 12, 14, 13];
    private static readonly double[] TiedCanary = [14, 15, 13, 16, 15, 14, 17, 15, 14, 16, 13, 15, 18, 14, 15, 16, 14, 15, 17, 13, 15, 16, 14, 15, 16, 14, 15, 17, 14, 16];

    private static double[] Sorted(double[] values) => [.. values.Order()];

    [Fact]
    public void Exact_p_values_match_scipy()
    {
        double[] a = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
        double[] b = [1.15, 0.88, 0.90, 0.74, 1.21];
        Assert.Equal(0.2544122544122544, MannWhitneyU.Test(Sorted(b), Sorted(a)).PValue, 12);
        Assert.Equal(0.015873015873015872, MannWhitneyU.Test(Sorted(FiveBaseline), Sorted(FiveCanary)).PValue, 12);
        Assert.Equal(0.0015526027344576275, MannWhitneyU.Test(Sorted(TwelveBaseline), Sorted(ThirteenCanary)).PValue, 12);
    }

    [Fact]
    public void Exact_intervals_match_the_inversion_of_scipys_exact_test()
    {
        AssertInterval(FiveBaseline, FiveCanary, 0.02, 1.0, 32.0);
        AssertInterval(FiveBaseline, FiveCanary, 0.04, 2.0, 32.0);
        AssertInterval(TwelveBaseline, ThirteenCanary, 0.02, 0.6999999999999993, 3.799999999999999);
        AssertInterval(TwelveBaseline, ThirteenCanary, 0.10, 1.1999999999999993, 3.3000000000000007);
    }

    [Fact]
    public void Tied_samples_match_scipys_asymptotic_test_and_its_fixed_sigma_inversion()
    {
        var result = MannWhitneyU.Test(Sorted(TiedBaseline), Sorted(TiedCanary));
        Assert.False(result.Exact);
        Assert.Equal(0.00016253630429373928, result.PValue, 7); // erfc is accurate to ~1e-7 relative
        AssertInterval(TiedBaseline, TiedCanary, 0.02, 1.0, 2.0);
        Assert.Equal(0.1720337089218229, MannWhitneyU.Test([1, 2, 2, 3], [2, 3, 3, 4]).PValue, 7);
    }

    [Theory]
    [InlineData(5, 2.0, 0.10193947882985828)]
    [InlineData(12.5, 2.681, 0.01940687601298879)]
    [InlineData(40, 1.3, 0.2010425149921627)]
    public void Student_t_tails_match_scipy(double degrees, double t, double expected) =>
        Assert.Equal(expected, new StudentT(degrees).TwoSidedPValue(t), 10);

    [Theory]
    [InlineData(5, 0.99, 3.3649299989072747)]
    [InlineData(12.5, 0.995, 3.0324366521419663)]
    [InlineData(29, 0.99, 2.4620213601503833)]
    public void Student_t_quantiles_match_scipy(double degrees, double p, double expected) =>
        Assert.Equal(expected, new StudentT(degrees).Quantile(p), 8);

    [Fact]
    public void Tail_test_matches_an_independent_computation()
    {
        double[] baseline = [100, 104, 98, 101, 97, 103, 99, 102, 105, 96, 100, 101, 98, 103, 99, 97, 102, 100, 104, 101];
        double[] canary = [101, 99, 103, 98, 100, 102, 140, 97, 104, 150, 100, 99, 145, 101, 98, 103, 160, 100, 102, 99];
        var test = TailRankTest.Create(Sorted(baseline), Sorted(canary), 0.9, upper: true);
        Assert.Equal(0.11846489387154531, test.PValue, 7);
    }

    private static void AssertInterval(double[] first, double[] second, double alpha, double lower, double upper)
    {
        var x = Sorted(first);
        var y = Sorted(second);
        var (actualLower, actualUpper) = HodgesLehmann.ConfidenceInterval(x, y, MannWhitneyU.Test(x, y), alpha);
        Assert.Equal(lower, actualLower, 9);
        Assert.Equal(upper, actualUpper, 9);
    }
}
