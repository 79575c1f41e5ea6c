using System.Buffers.Binary;

namespace Code.Learning.Bandits;

/// <summary>
/// Disjoint LinUCB (Li et al., 2010): per arm a ridge regression of reward on context, played by the upper
/// confidence bound theta'x + alpha * sqrt(x' A^-1 x), with probability <c>exploration</c> replaced by a
/// uniformly random arm so that every arm has a logged propensity of at least exploration / arms. A^-1 is
/// kept up to date by Sherman-Morrison, so choosing costs O(arms * d^2) and updating O(d^2), without
/// allocating.
/// </summary>
internal sealed class LinUcbPolicy : IBanditPolicy
{
    public const string Type = "bandit-linucb";

    /// <summary>The most values (arms × (d² + d)) a policy keeps: 64 MiB of doubles.</summary>
    internal const long MaxStateValues = 1L << 23;

    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly double _alpha;
    private readonly double _exploration;
    private readonly int _dimension;
    private readonly double[][] _inverse; // A^-1 per arm, row-major d x d
    private readonly double[][] _b;
    private readonly double[] _scratch;
    private readonly double[] _scores;

    public LinUcbPolicy(int armCount, int dimension, double alpha, double exploration, int seed)
    {
        BanditGuard.ArmCount(armCount);
        if (dimension is < 1 or > BanditGuard.MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The LinUCB context dimension must be between 1 and {BanditGuard.MaxDimension}.");
        }

        var values = StateValues(armCount, dimension);
        if (values > MaxStateValues)
        {
            throw new ArgumentOutOfRangeException(
                nameof(armCount), armCount, $"LinUCB with {armCount} arms and dimension {dimension} would keep arms × (d² + d) = {values:N0} values ({values * 8 / (1024 * 1024):N0} MiB); at most {MaxStateValues:N0} (64 MiB) are allowed: use fewer arms or a shorter context.");
        }

        if (!(alpha >= 0) || !double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "LinUCB alpha must be a finite number of at least 0.");
        }

        if (!(exploration >= 0 && exploration <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(exploration), exploration, "LinUCB exploration must be between 0 and 1.");
        }

        _alpha = alpha;
        _exploration = exploration;
        _dimension = dimension;
        _random = new Random(seed);
        _inverse = new double[armCount][];
        _b = new double[armCount][];
        for (var a = 0; a < armCount; a++)
        {
            _inverse[a] = new double[dimension * dimension];
            for (var i = 0; i < dimension; i++)
            {
                _inverse[a][(i * dimension) + i] = 1;
            }

            _b[a] = new double[dimension];
        }

        _scratch = new double[dimension];
        _scores = new double[armCount];
    }

    public int ArmCount => _b.Length;

    public int ContextDimension => _dimension;

    public string ModelType => Type;

    public BanditDecision Choose(ReadOnlySpan<double> context)
    {
        BanditGuard.Context(context, _dimension);
        lock (_lock)
        {
            var (best, ties) = Score(context);
            var arm = best;
            if (_exploration > 0 && _random.NextDouble() < _exploration)
            {
                arm = _random.Next(ArmCount);
            }
            else if (ties > 1)
            {
                var pick = _random.Next(ties);
                for (var a = 0; a < ArmCount; a++)
                {
                    if (_scores[a] >= _scores[best] && pick-- == 0)
                    {
                        arm = a;
                        break;
                    }
                }
            }

            return new BanditDecision(arm, Probability(arm, best, ties));
        }
    }

    public void Update(int arm, ReadOnlySpan<double> context, double reward)
    {
        BanditGuard.Arm(arm, ArmCount);
        BanditGuard.Context(context, _dimension);
        BanditGuard.Reward(reward);
        lock (_lock)
        {
            var inverse = _inverse[arm];
            var d = _dimension;

            // u = A^-1 x (A^-1 is symmetric, so x' A^-1 = u'). Everything that could overflow is computed
            // and checked before the state changes (with bounded contexts and rewards it cannot, but a
            // non-finite value must never reach the matrices: the model would no longer load).
            var u = _scratch;
            var quadratic = 0.0;
            var largest = 0.0;
            var rewardsFinite = true;
            for (var i = 0; i < d; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < d; j++)
                {
                    sum += inverse[(i * d) + j] * context[j];
                }

                u[i] = sum;
                quadratic += context[i] * sum;
                largest = Math.Max(largest, Math.Abs(sum));
                rewardsFinite &= double.IsFinite(_b[arm][i] + (reward * context[i]));
            }

            var scale = 1 / (1 + Math.Max(0, quadratic));
            if (!double.IsFinite(quadratic) || !double.IsFinite(largest * largest * scale) || !rewardsFinite)
            {
                throw new ArgumentException($"Arm {arm}'s LinUCB update overflows with this context and reward; nothing was learned.", nameof(context));
            }

            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    inverse[(i * d) + j] -= u[i] * u[j] * scale;
                }

                _b[arm][i] += reward * context[i];
            }
        }
    }

    public double GetProbability(ReadOnlySpan<double> context, int arm)
    {
        BanditGuard.Arm(arm, ArmCount);
        BanditGuard.Context(context, _dimension);
        lock (_lock)
        {
            var (best, ties) = Score(context);
            return Probability(arm, best, ties);
        }
    }

    public byte[] Serialize()
    {
        lock (_lock)
        {
            var d = _dimension;
            var bytes = new byte[BanditPolicy.HeaderSize + 16 + (StateValues(ArmCount, d) * 8)];
            var span = BanditPolicy.WriteHeader(bytes, BanditPolicy.LinUcbExplorationKind, ArmCount, d);
            BinaryPrimitives.WriteDoubleLittleEndian(span, _alpha);
            BinaryPrimitives.WriteDoubleLittleEndian(span[8..], _exploration);
            var offset = 16;
            for (var a = 0; a < ArmCount; a++)
            {
                foreach (var value in _inverse[a])
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], value);
                    offset += 8;
                }

                foreach (var value in _b[a])
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], value);
                    offset += 8;
                }
            }

            return bytes;
        }
    }

    /// <summary>Reads a policy: format 1 kind 4 (no exploration field, exploration 0) or kind 5 (alpha, then exploration).</summary>
    internal static LinUcbPolicy Read(ReadOnlySpan<byte> body, int armCount, int dimension, bool withExploration, int seed)
    {
        if (dimension is < 1 or > BanditGuard.MaxDimension || StateValues(armCount, dimension) > MaxStateValues)
        {
            throw new InvalidDataException($"The serialized LinUCB policy has {armCount} arms of dimension {dimension}, more state than a policy may keep.");
        }

        var fields = withExploration ? 16 : 8;
        BanditPolicy.ExpectLength(body, fields + (StateValues(armCount, dimension) * 8));
        var exploration = withExploration ? BinaryPrimitives.ReadDoubleLittleEndian(body[8..]) : 0;
        var policy = new LinUcbPolicy(armCount, dimension, BinaryPrimitives.ReadDoubleLittleEndian(body), exploration, seed);
        var offset = fields;
        for (var a = 0; a < armCount; a++)
        {
            for (var i = 0; i < dimension * dimension; i++, offset += 8)
            {
                policy._inverse[a][i] = BanditPolicy.Finite(BinaryPrimitives.ReadDoubleLittleEndian(body[offset..]));
            }

            for (var i = 0; i < dimension; i++, offset += 8)
            {
                policy._b[a][i] = BanditPolicy.Finite(BinaryPrimitives.ReadDoubleLittleEndian(body[offset..]));
            }
        }

        return policy;
    }

    /// <summary>The values a policy keeps: per arm a d × d matrix and a d-vector.</summary>
    internal static long StateValues(int armCount, int dimension) => armCount * (((long)dimension * dimension) + dimension);

    /// <summary>The probability of playing <paramref name="arm"/>: (1 - exploration) split over the tied best arms, plus exploration / arms.</summary>
    private double Probability(int arm, int best, int ties) =>
        (_scores[arm] >= _scores[best] ? (1 - _exploration) / ties : 0) + (_exploration / ArmCount);

    /// <summary>Fills the UCB score of every arm; returns the best arm and how many arms tie with it.</summary>
    private (int Best, int Ties) Score(ReadOnlySpan<double> context)
    {
        var d = _dimension;
        var best = 0;
        var ties = 0;
        for (var a = 0; a < ArmCount; a++)
        {
            var inverse = _inverse[a];
            var b = _b[a];
            double mean = 0, quadratic = 0;
            for (var i = 0; i < d; i++)
            {
                double row = 0, theta = 0;
                for (var j = 0; j < d; j++)
                {
                    var entry = inverse[(i * d) + j];
                    row += entry * context[j];
                    theta += entry * b[j];
                }

                mean += theta * context[i];
                quadratic += row * context[i];
            }

            var score = mean + (_alpha * Math.Sqrt(Math.Max(0, quadratic)));
            _scores[a] = score;
            if (a == 0 || score > _scores[best])
            {
                best = a;
                ties = 1;
            }
            else if (score == _scores[best])
            {
                ties++;
            }
        }

        return (best, ties);
    }
}
