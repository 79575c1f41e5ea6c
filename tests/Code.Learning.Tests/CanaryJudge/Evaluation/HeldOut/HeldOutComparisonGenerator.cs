using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge.Evaluation.HeldOut;

/// <summary>
/// The held-out labelled set: canary comparisons from distribution families the judge was not developed on.
/// It is run only to measure the judge; no judge parameter or default is tuned on it (docs/learning.md).
/// Each case is one service seen for 12 to 300 intervals per side with two metrics:
/// <list type="bullet">
/// <item>latency (ms): log-normal, gamma, Weibull, a bimodal mixture or a log-normal body with Pareto excursions;
/// interval-to-interval variation 5-35 %; in 40 % of the cases rounded to whole milliseconds (levels from 5 ms, so
/// many ties); each side's load follows its own AR(1) process (ρ 0, 0.3 or 0.6) and the canary instance differs
/// harmlessly by up to ±1 %;</item>
/// <item>error percentage: binomial errors over 200-20,000 requests per interval at a base rate of 0.1-5 %, with
/// gamma over-dispersion (rate CV 10-50 %), so small rates give many zero intervals;</item>
/// <item>a drift over the window shared by both sides (a ramp or a wave of up to ±25 %);</item>
/// <item>missing scrapes (NaN) on up to 15 % of the intervals, independently per side and metric.</item>
/// </list>
/// Half the cases are noise only. The other half regress one thing by 10, 25, 50 or 100 %: the latency level
/// (every canary value × (1 + size)), the latency tail (a random 10 % of the canary's intervals × (1 + 2 size),
/// leaving the median nearly unchanged), or the error rate (× (1 + size)).
/// </summary>
internal static class HeldOutComparisonGenerator
{
    /// <summary>The held-out set's own seed; the development set (<see cref="CanaryScenarioGenerator"/>) uses 20261126.</summary>
    public const int Seed = 7_340_117;

    public static readonly int[] SampleSizes = [12, 20, 30, 50, 100, 200, 300];

    public static readonly double[] Magnitudes = [0.10, 0.25, 0.50, 1.00];

    public static List<HeldOutCase> Generate(int count, int seed = Seed)
    {
        var random = new Random(seed);
        var cases = new List<HeldOutCase>(count);
        for (var id = 0; id < count; id++)
        {
            var kind = id % 2 == 0 ? HeldOutRegression.None : random.NextDouble() switch
            {
                < 0.4 => HeldOutRegression.LatencyLevel,
                < 0.7 => HeldOutRegression.LatencyTail,
                _ => HeldOutRegression.ErrorRate,
            };
            var magnitude = kind == HeldOutRegression.None ? 0 : Magnitudes[random.Next(Magnitudes.Length)];
            var samples = SampleSizes[random.Next(SampleSizes.Length)];
            cases.Add(Generate(random, id, kind, magnitude, samples));
        }

        return cases;
    }

    private static HeldOutCase Generate(Random random, int id, HeldOutRegression kind, double magnitude, int samples)
    {
        var family = (LatencyFamily)random.Next(5);
        var level = Math.Exp(Uniform(random, Math.Log(5), Math.Log(400)));
        var variation = Uniform(random, 0.05, 0.35);
        var integerMilliseconds = random.NextDouble() < 0.4;
        var rho = new[] { 0.0, 0.3, 0.6 }[random.Next(3)];
        var loadDeviation = Uniform(random, 0.02, 0.08);
        var drift = Drift(random, samples);
        var heterogeneity = Uniform(random, -0.01, 0.01);
        var shape = LatencyShape.Draw(random, family, variation);

        var requests = (int)Math.Exp(Uniform(random, Math.Log(200), Math.Log(20_000)));
        var errorRate = Math.Exp(Uniform(random, Math.Log(0.001), Math.Log(0.05)));
        var overdispersion = Uniform(random, 0.1, 0.5);
        var gap = Uniform(random, 0, 0.15);

        double[] Latency(bool canary)
        {
            var values = new double[samples];
            var load = 0.0;
            for (var t = 0; t < samples; t++)
            {
                load = (rho * load) + (Math.Sqrt(1 - (rho * rho)) * Normal(random));
                var value = level * drift[t] * Math.Exp(loadDeviation * load) * shape.Sample(random);
                if (canary)
                {
                    value *= 1 + heterogeneity;
                    if (kind == HeldOutRegression.LatencyLevel)
                    {
                        value *= 1 + magnitude;
                    }
                    else if (kind == HeldOutRegression.LatencyTail && random.NextDouble() < 0.10)
                    {
                        value *= 1 + (2 * magnitude);
                    }
                }

                values[t] = integerMilliseconds ? Math.Max(1, Math.Round(value)) : value;
            }

            return WithGaps(random, values, gap);
        }

        double[] ErrorPercent(bool canary)
        {
            var values = new double[samples];
            for (var t = 0; t < samples; t++)
            {
                var rate = errorRate * drift[t] * Gamma(random, 1 / (overdispersion * overdispersion)) * overdispersion * overdispersion;
                if (canary && kind == HeldOutRegression.ErrorRate)
                {
                    rate *= 1 + magnitude;
                }

                values[t] = 100.0 * Binomial(random, requests, Math.Min(1, rate)) / requests;
            }

            return WithGaps(random, values, gap);
        }

        var request = new CanaryJudgeRequest([
            new CanaryMetricSamples(new CanaryMetricConfig("latency_ms") { Group = "latency", Direction = MetricDirection.Increase }, Latency(false), Latency(true)),
            new CanaryMetricSamples(new CanaryMetricConfig("error_percent") { Group = "errors", Direction = MetricDirection.Increase }, ErrorPercent(false), ErrorPercent(true)),
        ]);
        return new HeldOutCase(id, family, integerMilliseconds, rho, kind, magnitude, samples, request);
    }

    /// <summary>A multiplicative drift over the window, shared by both sides: a ramp or a wave of up to ±25 %.</summary>
    private static double[] Drift(Random random, int samples)
    {
        var amplitude = Uniform(random, 0, 0.25);
        var wave = random.NextDouble() < 0.5;
        var phase = Uniform(random, 0, 2 * Math.PI);
        var drift = new double[samples];
        for (var t = 0; t < samples; t++)
        {
            var position = samples == 1 ? 0 : (double)t / (samples - 1);
            drift[t] = wave ? 1 + (amplitude * Math.Sin(phase + (2 * Math.PI * position))) : 1 + (amplitude * ((2 * position) - 1));
        }

        return drift;
    }

    private static double[] WithGaps(Random random, double[] values, double gap)
    {
        for (var t = 0; t < values.Length; t++)
        {
            if (random.NextDouble() < gap)
            {
                values[t] = double.NaN;
            }
        }

        return values;
    }

    internal static double Uniform(Random random, double low, double high) => low + ((high - low) * random.NextDouble());

    internal static double Normal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Gamma(shape, 1) by Marsaglia and Tsang.</summary>
    internal static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    /// <summary>Binomial(n, p): exact counting for small means, the normal approximation (rounded, clamped) above.</summary>
    private static int Binomial(Random random, int n, double p)
    {
        if (n * p < 30)
        {
            // Waiting times between successes (geometric), exact.
            var count = 0;
            var position = 0.0;
            var logQ = Math.Log(1 - p);
            while (true)
            {
                position += Math.Floor(Math.Log(1 - random.NextDouble()) / logQ) + 1;
                if (position > n)
                {
                    return count;
                }

                count++;
            }
        }

        return (int)Math.Clamp(Math.Round((n * p) + (Math.Sqrt(n * p * (1 - p)) * Normal(random))), 0, n);
    }
}
