namespace Code.Learning.Tests.CanaryJudge.Evaluation;

/// <summary>
/// Seeded generator of labelled canary comparisons. Each case is a service with its own nominal p99
/// latency (50-400 ms), error rate (0.5-3 %) and CPU (30-70 %), observed for 60 or 120 ten-second
/// intervals on a baseline and a canary that run side by side:
/// <list type="bullet">
/// <item>the time of day sets a load factor (0.85-1.25) shared by both sides, so absolute levels move between cases;</item>
/// <item>a slow trend within the window (±5 %) is also shared;</item>
/// <item>the canary instance differs harmlessly from the baseline by up to ±2 % (heterogeneity);</item>
/// <item>per-interval noise: latency log-normal (8 %), error rate binomial-like (20k-100k requests per interval), CPU ±3 points;</item>
/// <item>1 % of intervals on either side are latency spikes (GC pauses) of 2-3x.</item>
/// </list>
/// Half the cases are noise only; the other half inject one regression in one metric, of 5, 10, 20 or
/// 50 % (relative to that metric's level), as a step, a ramp or a noisy step.
/// </summary>
internal static class CanaryScenarioGenerator
{
    public static readonly double[] Magnitudes = [0.05, 0.10, 0.20, 0.50];

    public static List<CanaryScenario> Generate(int seed, int count, double noise = 1, int? intervals = null)
    {
        var random = new Random(seed);
        var scenarios = new List<CanaryScenario>(count);
        for (var id = 0; id < count; id++)
        {
            var regression = id % 2 == 1;
            ScenarioMetric? metric = regression ? (ScenarioMetric)random.Next(3) : null;
            var magnitude = regression ? Magnitudes[(id / 2) % Magnitudes.Length] : 0;
            var shape = (RegressionShape)random.Next(3);
            scenarios.Add(Generate(random, id, metric, magnitude, shape, noise, intervals));
        }

        return scenarios;
    }

    private static CanaryScenario Generate(Random random, int id, ScenarioMetric? regressed, double magnitude, RegressionShape shape, double noise, int? fixedIntervals)
    {
        var intervals = random.Next(2) == 0 ? 60 : 120;
        if (fixedIntervals is { } count)
        {
            intervals = count;
        }

        var nominal = new Dictionary<ScenarioMetric, double>
        {
            [ScenarioMetric.Latency] = Uniform(random, 50, 400),
            [ScenarioMetric.ErrorRate] = Uniform(random, 0.005, 0.03),
            [ScenarioMetric.Saturation] = Uniform(random, 30, 70),
        };
        var load = Uniform(random, 0.85, 1.25);
        var trend = Uniform(random, -0.05, 0.05);
        var baseline = new Dictionary<ScenarioMetric, double[]>();
        var canary = new Dictionary<ScenarioMetric, double[]>();
        foreach (var metric in Enum.GetValues<ScenarioMetric>())
        {
            var level = nominal[metric] * load;
            var heterogeneity = Uniform(random, -0.02, 0.02);
            var requests = random.Next(20_000, 100_001);
            var b = new double[intervals];
            var c = new double[intervals];
            for (var t = 0; t < intervals; t++)
            {
                var drift = 1 + (trend * t / intervals);
                var worse = 0.0;
                var noiseScale = 1.0;
                if (metric == regressed)
                {
                    worse = shape == RegressionShape.Ramp ? 2 * magnitude * t / (intervals - 1) : magnitude;
                    noiseScale = shape == RegressionShape.NoisyStep ? 1.5 : 1;
                }

                b[t] = Observe(random, metric, level * drift, requests, noise);
                c[t] = Observe(random, metric, level * drift * (1 + heterogeneity) * (1 + worse), requests, noise * noiseScale);
            }

            baseline[metric] = b;
            canary[metric] = c;
        }

        return new CanaryScenario(id, regressed, magnitude, shape, baseline, canary, nominal);
    }

    private static double Observe(Random random, ScenarioMetric metric, double level, int requests, double noiseScale)
    {
        switch (metric)
        {
            case ScenarioMetric.Latency:
                var value = level * Math.Exp((0.08 * noiseScale * Normal(random)) - (0.5 * 0.08 * 0.08));
                return random.NextDouble() < 0.01 ? value * Uniform(random, 2, 3) : value;
            case ScenarioMetric.ErrorRate:
                var deviation = Math.Sqrt(level * (1 - level) / requests) * noiseScale;
                return Math.Max(0, level + (deviation * Normal(random)));
            default:
                return Math.Clamp(level + (3 * noiseScale * Normal(random)), 0, 100);
        }
    }

    private static double Uniform(Random random, double low, double high) => low + ((high - low) * random.NextDouble());

    private static double Normal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
