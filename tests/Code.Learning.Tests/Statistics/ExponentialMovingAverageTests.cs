using Code.Learning.Statistics;

namespace Code.Learning.Tests.Statistics;

public class ExponentialMovingAverageTests
{
    [Fact]
    public void Mean_and_variance_follow_the_recurrence()
    {
        var ewma = new ExponentialMovingAverage(0.5);
        ewma.Add(10);
        Assert.Equal(10, ewma.Mean);
        Assert.Equal(0, ewma.Variance);
        ewma.Add(20); // delta 10: mean 15, var 0.5 * (0 + 0.5 * 100) = 25
        Assert.Equal(15, ewma.Mean, 12);
        Assert.Equal(25, ewma.Variance, 12);
        ewma.Add(15); // delta 0: mean 15, var 12.5
        Assert.Equal(15, ewma.Mean, 12);
        Assert.Equal(12.5, ewma.Variance, 12);
    }

    [Fact]
    public void Span_gives_the_conventional_alpha()
    {
        Assert.Equal(0.2, ExponentialMovingAverage.FromSpan(9).Alpha, 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Alpha_outside_the_unit_interval_is_rejected(double alpha)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialMovingAverage(alpha));
        Assert.Equal("alpha", error.ParamName);
    }
}
