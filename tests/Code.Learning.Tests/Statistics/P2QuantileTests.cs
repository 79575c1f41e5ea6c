using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class P2QuantileTests
{
    [Fact]
    public void Reproduces_the_worked_example_of_Jain_and_Chlamtac()
    {
        // The 20 observations of the paper's Table I; its final median estimate is 4.44.
        double[] data = [0.02, 0.15, 0.74, 3.39, 0.83, 22.37, 10.15, 15.43, 38.62, 15.92, 34.60, 10.28, 1.47, 0.40, 0.05, 11.39, 0.27, 0.42, 0.09, 11.37];
        var median = new P2Quantile(0.5);
        foreach (var x in data)
        {
            median.Add(x);
        }

        Assert.Equal(4.44, Math.Round(median.Estimate, 2));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void Estimate_is_close_to_the_exact_quantile_of_a_large_stream(double p)
    {
        var random = new Random(42);
        var sketch = new P2Quantile(p);
        var all = new double[50_000];
        for (var i = 0; i < all.Length; i++)
        {
            // Log-normal, like latencies.
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            all[i] = Math.Exp(4 + (0.5 * normal));
            sketch.Add(all[i]);
        }

        Array.Sort(all);
        var exact = all[(int)Math.Ceiling(p * all.Length) - 1];
        Assert.InRange(sketch.Estimate / exact, 0.98, 1.02);
    }

    [Fact]
    public void Fewer_than_five_values_give_the_exact_quantile()
    {
        var sketch = new P2Quantile(0.5);
        Assert.True(double.IsNaN(sketch.Estimate));
        sketch.Add(3);
        sketch.Add(1);
        sketch.Add(2);
        Assert.Equal(2, sketch.Estimate);
    }
}
