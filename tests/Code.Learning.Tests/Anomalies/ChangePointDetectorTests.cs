using Code.Learning.Anomalies;

namespace Code.Learning.Tests.Anomalies;

public class ChangePointDetectorTests
{
    private static double Normal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Values after the warm-up until the first alarm (or <paramref name="limit"/> + 1 without one).</summary>
    private static int RunLength(CusumDetector detector, Random random, int warmup, int limit)
    {
        for (var i = 0; i < warmup; i++)
        {
            detector.Observe(Normal(random));
        }

        for (var i = 1; i <= limit; i++)
        {
            if (detector.Observe(Normal(random)).Detected)
            {
                return i;
            }
        }

        return limit + 1;
    }

    [Theory]
    [InlineData(1.5, ChangeDirection.Up)]
    [InlineData(-1.5, ChangeDirection.Down)]
    public void Cusum_detects_a_shift_soon_after_it_starts_and_not_before(double shift, ChangeDirection expected)
    {
        var random = new Random(31);
        var detector = new CusumDetector();
        var detections = new List<ChangePoint>();
        for (var i = 0; i < 200; i++)
        {
            var point = detector.Observe(50 + (2 * Normal(random)) + (i >= 100 ? shift * 2 : 0));
            if (point.Detected)
            {
                detections.Add(point);
            }
        }

        var first = Assert.Single(detections, d => d.Index < 130);
        Assert.Equal(expected, first.Direction);
        Assert.InRange(first.Index, 100, 115);
    }

    [Fact]
    public void Cusum_false_alarm_rates_are_the_documented_ones()
    {
        // In-control N(0, 1) data. With the level learned from a long warm-up, k = 0.5 and h = 5 give the
        // textbook two-sided average run length of about 465 (each side alone about 930, not 465).
        var random = new Random(41);
        const int LongRuns = 2000;
        var total = 0.0;
        for (var run = 0; run < LongRuns; run++)
        {
            total += RunLength(new CusumDetector(warmup: 1000), random, 1000, 20_000);
        }

        Assert.InRange(total / LongRuns, 420, 520);

        // With the default 30-value warm-up the learned level and deviation are noisy: about 40 % of
        // in-control runs alarm within the first 100 values after it (18 % with the level known).
        const int Runs = 4000;
        var early = 0;
        for (var run = 0; run < Runs; run++)
        {
            early += RunLength(new CusumDetector(), random, 30, 100) <= 100 ? 1 : 0;
        }

        Assert.InRange(early / (double)Runs, 0.36, 0.44);
    }

    [Fact]
    public void Cusum_follows_the_tabular_recurrence()
    {
        // Warm-up 0, 2: mean 1, deviation sqrt(2). Then z = (3 - 1) / sqrt 2 = 1.414; S+ = 1.414 - 0.5.
        var detector = new CusumDetector(drift: 0.5, threshold: 5, warmup: 2);
        detector.Observe(0);
        detector.Observe(2);
        var point = detector.Observe(3);
        Assert.Equal(Math.Sqrt(2) - 0.5, point.Statistic, 12);
        Assert.False(point.Detected);
    }

    [Fact]
    public void Page_Hinkley_detects_a_level_change_by_hand_computed_step()
    {
        // 50 zeros, then fives: the up statistic grows by about 4.4, 4.3, 4.2, 4.1, 4.0 and passes 20 at the fifth five.
        var detector = new PageHinkleyDetector(delta: 0.5, lambda: 20);
        ChangePoint? detected = null;
        for (var i = 0; i < 80 && detected is null; i++)
        {
            var point = detector.Observe(i < 50 ? 0 : 5);
            if (point.Detected)
            {
                detected = point;
            }
        }

        Assert.NotNull(detected);
        Assert.Equal(54, detected.Value.Index);
        Assert.Equal(ChangeDirection.Up, detected.Value.Direction);
    }
}
