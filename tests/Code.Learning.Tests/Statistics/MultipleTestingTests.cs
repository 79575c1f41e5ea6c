using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class MultipleTestingTests
{
    [Fact]
    public void Holm_steps_down_until_the_first_acceptance()
    {
        // Sorted: 0.001 < 0.02/4, 0.006 < 0.02/3, 0.012 >= 0.02/2 stops; 0.3 gets the same 0.01.
        double[] p = [0.012, 0.001, 0.3, 0.006];
        var levels = new double[4];
        MultipleTesting.Holm(p, 0.02, levels);
        Assert.Equal([0.01, 0.005, 0.01, 0.02 / 3], levels);
    }

    [Fact]
    public void Benjamini_Hochberg_gives_every_test_alpha_times_the_rejections_over_K()
    {
        // Sorted 0.001, 0.006, 0.012, 0.3 against 0.005, 0.01, 0.015, 0.02: the largest j with p₍ⱼ₎ < αj/K is 3.
        double[] p = [0.012, 0.001, 0.3, 0.006];
        var levels = new double[4];
        MultipleTesting.BenjaminiHochberg(p, 0.02, levels);
        Assert.All(levels, level => Assert.Equal(0.015, level, 15));

        MultipleTesting.BenjaminiHochberg([0.5, 0.9], 0.02, levels.AsSpan(0, 2));
        Assert.Equal(0.01, levels[0], 15);
    }
}
