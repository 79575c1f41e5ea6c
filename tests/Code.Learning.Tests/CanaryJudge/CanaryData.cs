using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Seeded samples for judge tests.</summary>
internal static class CanaryData
{
    public static double[] Normal(Random random, int count, double mean, double deviation)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = mean + (deviation * Gauss(random));
        }

        return values;
    }

    public static double Gauss(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A fast mode near 100 and, with probability <paramref name="slowShare"/>, a slow mode near 1000; times <paramref name="scale"/>.</summary>
    public static double[] Bimodal(Random random, int count, double slowShare, double scale = 1)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var slow = random.NextDouble() < slowShare;
            values[i] = scale * (slow ? 1000 + (50 * Gauss(random)) : 100 + (5 * Gauss(random)));
        }

        return values;
    }

    /// <summary>An AR(1) series with lag-1 correlation <paramref name="rho"/>, mean 100 + <paramref name="shift"/> and standard deviation 10.</summary>
    public static double[] Autoregressive(Random random, int count, double rho, double shift = 0)
    {
        var values = new double[count];
        var x = Gauss(random);
        for (var i = 0; i < count; i++)
        {
            x = (rho * x) + (Math.Sqrt(1 - (rho * rho)) * Gauss(random));
            values[i] = 100 + shift + (10 * x);
        }

        return values;
    }

    public static CanaryJudgeRequest Single(double[] baseline, double[] canary, MetricDirection direction = MetricDirection.Increase, double tolerance = 0.05, double? tailQuantile = 0.95, bool removeOutliers = false) =>
        new([new CanaryMetricSamples(new CanaryMetricConfig("latency") { Direction = direction, Tolerance = tolerance, TailQuantile = tailQuantile, RemoveOutliers = removeOutliers }, baseline, canary)]);

    /// <summary>Fail or Marginal: the canary is not promoted as it is.</summary>
    public static bool Failed(CanaryVerdict verdict) => verdict is CanaryVerdict.Fail or CanaryVerdict.Marginal;
}
