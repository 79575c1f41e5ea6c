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
    private readonly int _draws;
    private readonly long[] _counts;
    private readonly double[] _means;
    private readonly double[] _m2;

    public GaussianThompsonPolicy(int armCount, double priorMean, double priorVariance, int propensityDraws, int seed)
        : base(armCount, propensityDraws, seed)
    {
        if (!double.IsFinite(priorMean) || !(priorVariance > 0) || !double.IsFinite(priorVariance))
        {
            throw new ArgumentOutOfRangeException(nameof(priorVariance), $"The normal prior needs a finite mean and a variance > 0 (got {priorMean}, {priorVariance}).");
        }

        _priorMean = priorMean;
        _priorVariance = priorVariance;
        _draws = propensityDraws;
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
            BinaryPrimitives.WriteInt32LittleEndian(span, _draws);
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
        BanditPolicy.ExpectLength(body, 20 + (armCount * 24));
        var policy = new GaussianThompsonPolicy(
            armCount, BinaryPrimitives.ReadDoubleLittleEndian(body[4..]), BinaryPrimitives.ReadDoubleLittleEndian(body[12..]), BinaryPrimitives.ReadInt32LittleEndian(body), seed);
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
        var n = _counts[arm];
        if (n == 0)
        {
            return _priorMean + (Math.Sqrt(_priorVariance) * RandomSampling.StandardNormal(Random));
        }

        var variance = (_m2[arm] + _priorVariance) / n;
        return _means[arm] + (Math.Sqrt(variance / (n + 1)) * RandomSampling.StandardNormal(Random));
    }

    protected override void Observe(int arm, double reward)
    {
        var n = ++_counts[arm];
        var delta = reward - _means[arm];
        _means[arm] += delta / n;
        _m2[arm] += delta * (reward - _means[arm]);
    }
}
