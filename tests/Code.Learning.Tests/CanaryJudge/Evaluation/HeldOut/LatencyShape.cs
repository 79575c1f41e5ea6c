namespace Code.Learning.Tests.CanaryJudge.Evaluation.HeldOut;

/// <summary>
/// The interval-to-interval variation of a held-out latency, as a multiplier with median near 1, for each family;
/// <c>variation</c> is the target coefficient of variation (5-35 %).
/// </summary>
internal sealed class LatencyShape
{
    private readonly LatencyFamily _family;
    private readonly double _a;
    private readonly double _b;
    private readonly double _c;

    private LatencyShape(LatencyFamily family, double a, double b, double c)
    {
        _family = family;
        _a = a;
        _b = b;
        _c = c;
    }

    public static LatencyShape Draw(Random random, LatencyFamily family, double variation) => family switch
    {
        // σ of the log from the coefficient of variation.
        LatencyFamily.LogNormal => new(family, Math.Sqrt(Math.Log(1 + (variation * variation))), 0, 0),

        // Shape 1/CV², scaled to mean 1.
        LatencyFamily.Gamma => new(family, 1 / (variation * variation), 0, 0),

        // Weibull shape k with CV about 1.2/k, scaled to median 1.
        LatencyFamily.Weibull => new(family, Math.Max(1.5, 1.2 / variation), 0, 0),

        // A fast mode (log-normal) and a slow mode 2.5-8x slower taken by 5-30 % of the intervals.
        LatencyFamily.Bimodal => new(family, Math.Sqrt(Math.Log(1 + (variation * variation))), HeldOutComparisonGenerator.Uniform(random, 2.5, 8), HeldOutComparisonGenerator.Uniform(random, 0.05, 0.30)),

        // A log-normal body with Pareto excursions (tail index 1.5-3) on 2-10 % of the intervals.
        _ => new(family, Math.Sqrt(Math.Log(1 + (variation * variation))), HeldOutComparisonGenerator.Uniform(random, 1.5, 3), HeldOutComparisonGenerator.Uniform(random, 0.02, 0.10)),
    };

    public double Sample(Random random)
    {
        switch (_family)
        {
            case LatencyFamily.LogNormal:
                return Math.Exp(_a * HeldOutComparisonGenerator.Normal(random));
            case LatencyFamily.Gamma:
                return HeldOutComparisonGenerator.Gamma(random, _a) / _a;
            case LatencyFamily.Weibull:
                // Inverse CDF, scaled so that the median is 1.
                return Math.Pow(-Math.Log(1 - random.NextDouble()) / Math.Log(2), 1 / _a);
            case LatencyFamily.Bimodal:
                var body = Math.Exp(_a * HeldOutComparisonGenerator.Normal(random));
                return random.NextDouble() < _c ? body * _b : body;
            default:
                var value = Math.Exp(_a * HeldOutComparisonGenerator.Normal(random));
                return random.NextDouble() < _c ? value * Math.Pow(1 - random.NextDouble(), -1 / _b) : value;
        }
    }
}
