using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class RunningStatisticsTests
{
    [Fact]
    public void Mean_and_variance_match_the_textbook_example()
    {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population variance 4, sample variance 32/7.
        var stats = new RunningStatistics();
        foreach (var x in new double[] { 2, 4, 4, 4, 5, 5, 7, 9 })
        {
            stats.Add(x);
        }

        Assert.Equal(8, stats.Count);
        Assert.Equal(5, stats.Mean, 12);
        Assert.Equal(4, stats.PopulationVariance, 12);
        Assert.Equal(32.0 / 7, stats.Variance, 12);
        Assert.Equal(2, stats.Minimum);
        Assert.Equal(9, stats.Maximum);
    }

    [Fact]
    public void Large_offset_does_not_cancel_catastrophically()
    {
        var stats = new RunningStatistics();
        foreach (var x in new[] { 4.0, 7, 13, 16 })
        {
            stats.Add(1e9 + x);
        }

        Assert.Equal(30, stats.Variance, 6);
    }

    [Fact]
    public void Merge_equals_one_pass_over_both_parts()
    {
        var all = new RunningStatistics();
        var left = new RunningStatistics();
        var right = new RunningStatistics();
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var x = random.NextDouble() * 100;
            all.Add(x);
            (i < 300 ? left : right).Add(x);
        }

        left.Merge(right);
        Assert.Equal(all.Count, left.Count);
        Assert.Equal(all.Mean, left.Mean, 9);
        Assert.Equal(all.Variance, left.Variance, 7);
        Assert.Equal(all.Minimum, left.Minimum);
        Assert.Equal(all.Maximum, left.Maximum);
    }

    [Fact]
    public void Empty_statistics_are_NaN_and_bad_values_are_rejected()
    {
        var stats = new RunningStatistics();
        Assert.True(double.IsNaN(stats.Mean));
        Assert.True(double.IsNaN(stats.Variance));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => stats.Add(double.NaN));
        Assert.Contains("finite", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => stats.Add(double.PositiveInfinity));
        Assert.Equal(0, stats.Count);
    }
}
