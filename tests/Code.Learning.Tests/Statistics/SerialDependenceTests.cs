using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class SerialDependenceTests
{
    [Fact]
    public void The_AR1_factor_matches_its_formula()
    {
        // n = 3, ρ = 0.5: 1 + 2 (2/3 · 0.5 + 1/3 · 0.25) = 1.8333.
        Assert.Equal(1 + (2 * ((2.0 / 3 * 0.5) + (1.0 / 3 * 0.25))), SerialDependence.MeanVarianceFactor(0.5, 3), 12);
        Assert.Equal(1, SerialDependence.MeanVarianceFactor(0, 100));

        // Large n: (1 + ρ)/(1 - ρ) - 2ρ(1 - ρⁿ)/(n (1 - ρ)²) → 3 for ρ = 0.5.
        Assert.Equal(3, SerialDependence.MeanVarianceFactor(0.5, 1_000_000), 4);
    }

    [Fact]
    public void Lag1_correlation_is_bias_corrected_and_clamped()
    {
        var random = new Random(6);
        double sum = 0;
        for (var r = 0; r < 2000; r++)
        {
            var x = 0.0;
            var series = new double[40];
            for (var t = 0; t < series.Length; t++)
            {
                x = (0.5 * x) + (Math.Sqrt(0.75) * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                series[t] = x;
            }

            sum += SerialDependence.Lag1Correlation(series);
        }

        // The raw r₁ averages about 0.5 - 3/40 = 0.425 here; the corrected estimate is close to 0.5.
        Assert.InRange(sum / 2000, 0.46, 0.54);
        Assert.Equal(0, SerialDependence.Lag1Correlation([1, -1, 1, -1, 1, -1, 1, -1, 1, -1]));
        Assert.Equal(0, SerialDependence.Lag1Correlation([1, 2, 3]));
    }

    [Fact]
    public void Independent_shuffled_ranks_are_not_inflated_and_a_trend_on_unaligned_sides_is()
    {
        var ranks = Enumerable.Range(1, 40).Select(i => (double)i).ToArray();
        var (trend, degrees) = SerialDependence.RankSumInflation(ranks.AsSpan(0, 20), ranks.AsSpan(20), []);
        Assert.True(trend > 2, $"{trend}");
        Assert.True(degrees < 19);

        var (paired, pairedDegrees) = SerialDependence.RankSumInflation(ranks.AsSpan(0, 20), ranks.AsSpan(20), Enumerable.Repeat(20.0, 20).ToArray());
        Assert.Equal(1, paired);
        Assert.True(double.IsPositiveInfinity(pairedDegrees));
    }
}
