using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class StudentTTests
{
    [Fact]
    public void Incomplete_beta_matches_closed_forms()
    {
        // I_x(1, b) = 1 - (1 - x)^b; I_x(a, 1) = x^a.
        Assert.Equal(1 - Math.Pow(0.7, 3), StudentT.RegularizedIncompleteBeta(0.3, 1, 3), 13);
        Assert.Equal(Math.Pow(0.6, 2.5), StudentT.RegularizedIncompleteBeta(0.6, 2.5, 1), 13);
    }

    [Fact]
    public void One_degree_of_freedom_is_the_Cauchy_distribution_and_infinity_the_normal()
    {
        Assert.Equal(1 - (2 / Math.PI * Math.Atan(3)), new StudentT(1).TwoSidedPValue(3), 12);
        Assert.Equal(NormalDistribution.TwoSidedPValue(2.1), StudentT.Normal.TwoSidedPValue(2.1));
        var t = new StudentT(7.3);
        Assert.Equal(0.02, t.TwoSidedPValue(t.Quantile(0.99)), 10);
    }
}
