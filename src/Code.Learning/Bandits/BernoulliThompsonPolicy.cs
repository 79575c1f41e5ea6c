using System.Buffers.Binary;

namespace Code.Learning.Bandits;

/// <summary>Thompson sampling with a Beta(alpha, beta) posterior per arm for rewards in [0, 1] (success = 1).</summary>
internal sealed class BernoulliThompsonPolicy : ThompsonSamplingPolicy
{
    public const string Type = "bandit-thompson-bernoulli";

    private readonly double[] _alpha;
    private readonly double[] _beta;
    private readonly int _draws;

    public BernoulliThompsonPolicy(int armCount, double priorAlpha, double priorBeta, int propensityDraws, int seed)
        : base(armCount, propensityDraws, seed)
    {
        if (!(priorAlpha > 0) || !(priorBeta > 0) || !double.IsFinite(priorAlpha) || !double.IsFinite(priorBeta))
        {
            throw new ArgumentOutOfRangeException(nameof(priorAlpha), $"The Beta prior needs alpha > 0 and beta > 0 (got {priorAlpha}, {priorBeta}).");
        }

        _draws = propensityDraws;
        _alpha = new double[armCount];
        _beta = new double[armCount];
        Array.Fill(_alpha, priorAlpha);
        Array.Fill(_beta, priorBeta);
    }

    public override string ModelType => Type;

    public override byte[] Serialize()
    {
        lock (Sync)
        {
            var bytes = new byte[BanditPolicy.HeaderSize + 4 + (ArmCount * 16)];
            var span = BanditPolicy.WriteHeader(bytes, BanditPolicy.BernoulliThompsonKind, ArmCount, 0);
            BinaryPrimitives.WriteInt32LittleEndian(span, _draws);
            span = span[4..];
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
        BanditPolicy.ExpectLength(body, 4 + (armCount * 16));
        var policy = new BernoulliThompsonPolicy(armCount, 1, 1, BinaryPrimitives.ReadInt32LittleEndian(body), seed);
        body = body[4..];
        for (var a = 0; a < armCount; a++)
        {
            policy._alpha[a] = BanditPolicy.Positive(BinaryPrimitives.ReadDoubleLittleEndian(body[(a * 16)..]));
            policy._beta[a] = BanditPolicy.Positive(BinaryPrimitives.ReadDoubleLittleEndian(body[((a * 16) + 8)..]));
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

        _alpha[arm] += reward;
        _beta[arm] += 1 - reward;
    }
}
