using System.Buffers.Binary;

namespace Code.Learning.Bandits;

/// <summary>
/// Thompson sampling for real-valued rewards: per arm a normal posterior of the mean, N(mean, s^2 / (n + 1)),
/// where s^2 is the sample variance shrunk towards the prior variance by one pseudo-observation. An arm
/// never played is drawn from N(prior mean, prior variance).
/// </summary>
internal sealed class GaussianThompsonPolicy : ThompsonSamplingPolicy
{
    public const string Type = "bandit-thompson-gaussian";

    private readonly double _priorMean;
    private readonly double _priorVariance;
    private readonly long[] _counts;
    private readonly double[] _means;
    private readonly double[] _m2;

    public GaussianThompsonPolicy(int armCount, double priorMean, double priorVariance, int seed)
        : base(armCount, seed)
    {
        if (!double.IsFinite(priorMean) || !(priorVariance > 0) || !double.IsFinite(priorVariance))
        {
            throw new ArgumentOutOfRangeException(nameof(priorVariance), $"The normal prior needs a finite mean and a variance > 0 (got {priorMean}, {priorVariance}).");
        }

        _priorMean = priorMean;
        _priorVariance = priorVariance;
        _counts = new long[armCount];
        _means = new double[armCount];
        _m2 = new double[armCount];
    }

    public override string ModelType => Type;

    public override byte[] Serialize()
    {
        lock (Sync)
        {
            var bytes = new byte[BanditPolicy.HeaderSize + 20 + (ArmCount * 24)];
            var span = BanditPolicy.WriteHeader(bytes, BanditPolicy.GaussianThompsonKind, ArmCount, 0);
            // Bytes 0-3 are reserved (they held the propensity draw count of earlier writers).
            BinaryPrimitives.WriteDoubleLittleEndian(span[4..], _priorMean);
            BinaryPrimitives.WriteDoubleLittleEndian(span[12..], _priorVariance);
            span = span[20..];
            for (var a = 0; a < ArmCount; a++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[(a * 24)..], _counts[a]);
                BinaryPrimitives.WriteDoubleLittleEndian(span[((a * 24) + 8)..], _means[a]);
                BinaryPrimitives.WriteDoubleLittleEndian(span[((a * 24) + 16)..], _m2[a]);
            }

            return bytes;
        }
    }

    internal static GaussianThompsonPolicy Read(ReadOnlySpan<byte> body, int armCount, int seed)
    {
        BanditPolicy.ExpectLength(body, 20 + (armCount * 24L));
        var policy = new GaussianThompsonPolicy(armCount, BinaryPrimitives.ReadDoubleLittleEndian(body[4..]), BinaryPrimitives.ReadDoubleLittleEndian(body[12..]), seed);
        body = body[20..];
        for (var a = 0; a < armCount; a++)
        {
            policy._counts[a] = Math.Max(0, BinaryPrimitives.ReadInt64LittleEndian(body[(a * 24)..]));
            policy._means[a] = BanditPolicy.Finite(BinaryPrimitives.ReadDoubleLittleEndian(body[((a * 24) + 8)..]));
            policy._m2[a] = Math.Max(0, BanditPolicy.Finite(BinaryPrimitives.ReadDoubleLittleEndian(body[((a * 24) + 16)..])));
        }

        return policy;
    }

    protected override double Sample(int arm)
    {
        Posterior(arm, out var mean, out var deviation);
        return mean + (deviation * RandomSampling.StandardNormal(Random));
    }

    protected override void Observe(int arm, double reward)
    {
        var n = _counts[arm] + 1;
        var delta = reward - _means[arm];
        var mean = _means[arm] + (delta / n);
        var m2 = _m2[arm] + (delta * (reward - mean));
        if (!double.IsFinite(mean) || !double.IsFinite(m2))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, $"The reward would make arm {arm}'s posterior non-finite; rewards of this size cannot be learned.");
        }

        _counts[arm] = n;
        _means[arm] = mean;
        _m2[arm] = m2;
    }

    protected override void ComputePropensities(Span<double> propensities) => Integrator.Compute(new NormalPosteriors(this), propensities);

    /// <summary>The posterior of an arm's mean: N(prior mean, prior variance) before any reward, then N(mean, s^2 / (n + 1)).</summary>
    private void Posterior(int arm, out double mean, out double deviation)
    {
        var n = _counts[arm];
        if (n == 0)
        {
            mean = _priorMean;
            deviation = Math.Sqrt(_priorVariance);
            return;
        }

        mean = _means[arm];
        deviation = Math.Sqrt((_m2[arm] + _priorVariance) / n / (n + 1));
    }

    private readonly struct NormalPosteriors(GaussianThompsonPolicy policy) : IArmPosteriors
    {
        /// <summary>Each normal tail beyond 8.3 standard deviations holds 5.2e-17.</summary>
        private const double TailMultiple = 8.3;
        private const double InverseSqrtTwoPi = 0.39894228040143267794;

        public static bool UsesLogs => false;

        public int Count => policy.ArmCount;

        public void Describe(int arm, out double center, out double scale, out double lower, out double upper, out bool singularLow, out bool singularHigh)
        {
            policy.Posterior(arm, out center, out scale);
            lower = center - (TailMultiple * scale);
            upper = center + (TailMultiple * scale);
            singularLow = false;
            singularHigh = false;
        }

        public double Density(int arm, double x, double logX, double logOneMinusX)
        {
            policy.Posterior(arm, out var mean, out var deviation);
            var z = (x - mean) / deviation;
            return InverseSqrtTwoPi / deviation * Math.Exp(-0.5 * z * z);
        }
    }
}
