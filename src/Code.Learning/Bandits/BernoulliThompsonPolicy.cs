using System.Buffers.Binary;
using Code.Learning.Statistics;

namespace Code.Learning.Bandits;

/// <summary>Thompson sampling with a Beta(alpha, beta) posterior per arm for rewards in [0, 1] (success = 1).</summary>
internal sealed class BernoulliThompsonPolicy : ThompsonSamplingPolicy
{
    public const string Type = "bandit-thompson-bernoulli";

    private readonly double[] _alpha;
    private readonly double[] _beta;
    private readonly double[] _logNormalizer;

    public BernoulliThompsonPolicy(int armCount, double priorAlpha, double priorBeta, int seed)
        : base(armCount, seed)
    {
        if (!(priorAlpha > 0) || !(priorBeta > 0) || !double.IsFinite(priorAlpha) || !double.IsFinite(priorBeta))
        {
            throw new ArgumentOutOfRangeException(nameof(priorAlpha), $"The Beta prior needs alpha > 0 and beta > 0 (got {priorAlpha}, {priorBeta}).");
        }

        _alpha = new double[armCount];
        _beta = new double[armCount];
        _logNormalizer = new double[armCount];
        Array.Fill(_alpha, priorAlpha);
        Array.Fill(_beta, priorBeta);
        Array.Fill(_logNormalizer, LogNormalizer(priorAlpha, priorBeta));
    }

    public override string ModelType => Type;

    public override byte[] Serialize()
    {
        lock (Sync)
        {
            // The four bytes after the header are reserved (they held the propensity draw count of format 1 writers).
            var bytes = new byte[BanditPolicy.HeaderSize + 4 + (ArmCount * 16)];
            var span = BanditPolicy.WriteHeader(bytes, BanditPolicy.BernoulliThompsonKind, ArmCount, 0)[4..];
            for (var a = 0; a < ArmCount; a++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[(a * 16)..], _alpha[a]);
                BinaryPrimitives.WriteDoubleLittleEndian(span[((a * 16) + 8)..], _beta[a]);
            }

            return bytes;
        }
    }

    internal static BernoulliThompsonPolicy Read(ReadOnlySpan<byte> body, int armCount, int seed)
    {
        BanditPolicy.ExpectLength(body, 4 + (armCount * 16L));
        var policy = new BernoulliThompsonPolicy(armCount, 1, 1, seed);
        body = body[4..];
        for (var a = 0; a < armCount; a++)
        {
            policy._alpha[a] = BanditPolicy.Positive(BinaryPrimitives.ReadDoubleLittleEndian(body[(a * 16)..]));
            policy._beta[a] = BanditPolicy.Positive(BinaryPrimitives.ReadDoubleLittleEndian(body[((a * 16) + 8)..]));
            policy._logNormalizer[a] = LogNormalizer(policy._alpha[a], policy._beta[a]);
        }

        return policy;
    }

    protected override double Sample(int arm) => RandomSampling.Beta(Random, _alpha[arm], _beta[arm]);

    protected override void Observe(int arm, double reward)
    {
        if (reward is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, "Bernoulli Thompson sampling needs rewards between 0 and 1.");
        }

        var alpha = _alpha[arm] + reward;
        var beta = _beta[arm] + (1 - reward);
        if (!double.IsFinite(alpha + beta))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, $"Arm {arm}'s Beta posterior would overflow; it has learned from too many rewards.");
        }

        _alpha[arm] = alpha;
        _beta[arm] = beta;
        _logNormalizer[arm] = LogNormalizer(alpha, beta);
    }

    /// <summary>-ln B(alpha, beta), from the density at the mean (accurate for large parameters too).</summary>
    private static double LogNormalizer(double alpha, double beta)
    {
        var mean = alpha / (alpha + beta);
        return GammaFunction.LogBetaDensityAtMean(alpha, beta) - ((alpha - 1) * Math.Log(mean)) - ((beta - 1) * GammaFunction.LogOnePlus(-mean));
    }

    protected override void ComputePropensities(Span<double> propensities) =>
        Integrator.Compute(new BetaPosteriors(_alpha, _beta, _logNormalizer), propensities);

    /// <summary>Beta(alpha, beta) posteriors, each range from the sub-Gaussian tail bound with variance proxy 1 / (4 (alpha + beta + 1)) (Marchal and Arbel, 2017).</summary>
    private readonly struct BetaPosteriors(double[] alpha, double[] beta, double[] logNormalizer) : IArmPosteriors
    {
        /// <summary>exp(-z² / 2) &lt; 1e-15 beyond z = 8.31 proxy standard deviations.</summary>
        private const double TailMultiple = 8.31;

        public static bool UsesLogs => true;

        public int Count => alpha.Length;

        public void Describe(int arm, out double center, out double scale, out double lower, out double upper, out bool singularLow, out bool singularHigh)
        {
            double a = alpha[arm], b = beta[arm], sum = a + b;
            center = a / sum;
            scale = Math.Sqrt(center * (b / sum) / (sum + 1));
            var proxy = 0.5 / Math.Sqrt(sum + 1);
            lower = Math.Max(0, center - (TailMultiple * proxy));
            upper = Math.Min(1, center + (TailMultiple * proxy));
            singularLow = a < 1 && lower == 0;
            singularHigh = b < 1 && upper == 1;
        }

        public double Density(int arm, double x, double logX, double logOneMinusX)
        {
            return Math.Exp(((alpha[arm] - 1) * logX) + ((beta[arm] - 1) * logOneMinusX) + logNormalizer[arm]);
        }
    }
}
