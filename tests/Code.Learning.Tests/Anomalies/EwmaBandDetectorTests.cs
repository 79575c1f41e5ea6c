using Code.Learning.Anomalies;

namespace Code.Learning.Tests.Anomalies;

public class EwmaBandDetectorTests
{
    [Fact]
    public void Scores_against_the_band_of_the_values_before()
    {
        // alpha 0.5 after 10, 20: mean 15, variance 25, deviation 5.
        var detector = new EwmaBandDetector(alpha: 0.5, threshold: 3, warmup: 2);
        Assert.False(detector.Observe(10).IsAnomaly);
        Assert.False(detector.Observe(20).IsAnomaly);
        Assert.Equal((0.0, 30.0), detector.Band);
        var score = detector.Observe(31);
        Assert.Equal(3.2, score.Score, 12);
        Assert.True(score.IsAnomaly);
    }

    [Fact]
    public void Warm_up_never_flags_and_NaN_is_rejected()
    {
        var detector = new EwmaBandDetector(warmup: 5);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(0, detector.Observe(i * 1000).Score);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Observe(double.NaN));
    }
}
