using System.Buffers.Binary;

namespace Code.Learning.Bandits;

/// <summary>
/// Epsilon-greedy: with probability epsilon_t a uniformly random arm, otherwise the arm with the best
/// mean reward (ties broken at random). epsilon_t = epsilon / (1 + t / decaySteps), or constant without decay.
/// </summary>
internal sealed class EpsilonGreedyPolicy : IBanditPolicy
{
    public const string Type = "bandit-epsilon-greedy";

    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly double _epsilon;
    private readonly double _decaySteps;
    private readonly long[] _counts;
    private readonly double[] _means;
    private long _steps;

    public EpsilonGreedyPolicy(int armCount, double epsilon, double decaySteps, int seed)
    {
        BanditGuard.ArmCount(armCount);
        if (!(epsilon >= 0 && epsilon <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be between 0 and 1.");
        }

        if (!(decaySteps >= 0) || double.IsNaN(decaySteps))
        {
            throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "The epsilon decay must be 0 (none) or a positive number of steps.");
        }

        _epsilon = epsilon;
        _decaySteps = decaySteps;
        _random = new Random(seed);
        _counts = new long[armCount];
        _means = new double[armCount];
    }

    public int ArmCount => _counts.Length;

    public int ContextDimension => 0;

    public string ModelType => Type;

    public BanditDecision Choose(ReadOnlySpan<double> context)
    {
        lock (_lock)
        {
            var epsilon = CurrentEpsilon();
            var (best, ties) = Greedy();
            int arm;
            if (_random.NextDouble() < epsilon)
            {
                arm = _random.Next(ArmCount);
            }
            else
            {
                arm = ties == 1 ? best : PickTie(_random.Next(ties));
            }

            return new BanditDecision(arm, Probability(arm, epsilon));
        }
    }

    public void Update(int arm, ReadOnlySpan<double> context, double reward)
    {
        BanditGuard.Arm(arm, ArmCount);
        BanditGuard.Reward(reward);
        lock (_lock)
        {
            _steps++;
            _counts[arm]++;
            _means[arm] += (reward - _means[arm]) / _counts[arm];
        }
    }

    public double GetProbability(ReadOnlySpan<double> context, int arm)
    {
        BanditGuard.Arm(arm, ArmCount);
        lock (_lock)
        {
            return Probability(arm, CurrentEpsilon());
        }
    }

    public byte[] Serialize()
    {
        lock (_lock)
        {
            var bytes = new byte[BanditPolicy.HeaderSize + 24 + (ArmCount * 16)];
            var span = BanditPolicy.WriteHeader(bytes, BanditPolicy.EpsilonGreedyKind, ArmCount, 0);
            BinaryPrimitives.WriteDoubleLittleEndian(span, _epsilon);
            BinaryPrimitives.WriteDoubleLittleEndian(span[8..], _decaySteps);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], _steps);
            span = span[24..];
            for (var a = 0; a < ArmCount; a++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[(a * 16)..], _counts[a]);
                BinaryPrimitives.WriteDoubleLittleEndian(span[((a * 16) + 8)..], _means[a]);
            }

            return bytes;
        }
    }

    internal static EpsilonGreedyPolicy Read(ReadOnlySpan<byte> body, int armCount, int seed)
    {
        BanditPolicy.ExpectLength(body, 24 + (armCount * 16));
        var policy = new EpsilonGreedyPolicy(armCount, BinaryPrimitives.ReadDoubleLittleEndian(body), BinaryPrimitives.ReadDoubleLittleEndian(body[8..]), seed)
        {
            _steps = BinaryPrimitives.ReadInt64LittleEndian(body[16..]),
        };
        body = body[24..];
        for (var a = 0; a < armCount; a++)
        {
            policy._counts[a] = BinaryPrimitives.ReadInt64LittleEndian(body[(a * 16)..]);
            policy._means[a] = BanditPolicy.Finite(BinaryPrimitives.ReadDoubleLittleEndian(body[((a * 16) + 8)..]));
        }

        return policy;
    }

    private double CurrentEpsilon() => _decaySteps > 0 ? _epsilon / (1 + (_steps / _decaySteps)) : _epsilon;

    private double Probability(int arm, double epsilon)
    {
        var (_, ties) = Greedy();
        var greedyShare = IsBest(arm) ? (1 - epsilon) / ties : 0;
        return greedyShare + (epsilon / ArmCount);
    }

    private (int Best, int Ties) Greedy()
    {
        var best = 0;
        var ties = 1;
        for (var a = 1; a < _means.Length; a++)
        {
            if (_means[a] > _means[best])
            {
                best = a;
                ties = 1;
            }
            else if (_means[a] == _means[best])
            {
                ties++;
            }
        }

        return (best, ties);
    }

    private bool IsBest(int arm)
    {
        for (var a = 0; a < _means.Length; a++)
        {
            if (_means[a] > _means[arm])
            {
                return false;
            }
        }

        return true;
    }

    private int PickTie(int index)
    {
        var max = _means[Greedy().Best];
        for (var a = 0; a < _means.Length; a++)
        {
            if (_means[a] == max && index-- == 0)
            {
                return a;
            }
        }

        return 0;
    }
}
