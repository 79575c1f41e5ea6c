using System.Buffers.Binary;

namespace Code.Learning.Bandits;

/// <summary>
/// Disjoint LinUCB (Li et al., 2010): per arm a ridge regression of reward on context, played by the upper
/// confidence bound theta'x + alpha * sqrt(x' A^-1 x). A^-1 is kept up to date by Sherman-Morrison, so
/// choosing costs O(arms * d^2) and updating O(d^2), without allocating.
/// </summary>
internal sealed class LinUcbPolicy : IBanditPolicy
{
    public const string Type = "bandit-linucb";

    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly double _alpha;
    private readonly int _dimension;
    private readonly double[][] _inverse; // A^-1 per arm, row-major d x d
    private readonly double[][] _b;
    private readonly double[] _scratch;
    private readonly double[] _scores;

    public LinUcbPolicy(int armCount, int dimension, double alpha, int seed)
    {
        BanditGuard.ArmCount(armCount);
        if (dimension is < 1 or > BanditGuard.MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The LinUCB context dimension must be between 1 and {BanditGuard.MaxDimension}.");
        }

        if (!(alpha >= 0) || !double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "LinUCB alpha must be a finite number of at least 0.");
        }

        _alpha = alpha;
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
            var pick = ties == 1 ? 0 : _random.Next(ties);
            for (var a = 0; a < ArmCount; a++)
            {
                if (_scores[a] >= _scores[best] && pick-- == 0)
                {
                    return new BanditDecision(a, 1.0 / ties);
                }
            }

            return new BanditDecision(best, 1.0 / ties);
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

            // u = A^-1 x (A^-1 is symmetric, so x' A^-1 = u').
            var u = _scratch;
            var quadratic = 0.0;
            for (var i = 0; i < d; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < d; j++)
                {
                    sum += inverse[(i * d) + j] * context[j];
                }

                u[i] = sum;
                quadratic += context[i] * sum;
            }

            var scale = 1 / (1 + quadratic);
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
            return _scores[arm] >= _scores[best] ? 1.0 / ties : 0;
        }
    }

    public byte[] Serialize()
    {
        lock (_lock)
        {
            var d = _dimension;
            var perArm = (d * d) + d;
            var bytes = new byte[BanditPolicy.HeaderSize + 8 + (ArmCount * perArm * 8)];
            var span = BanditPolicy.WriteHeader(bytes, BanditPolicy.LinUcbKind, ArmCount, d);
            BinaryPrimitives.WriteDoubleLittleEndian(span, _alpha);
            var offset = 8;
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

    internal static LinUcbPolicy Read(ReadOnlySpan<byte> body, int armCount, int dimension, int seed)
    {
        if (dimension is < 1 or > BanditGuard.MaxDimension)
        {
            throw new InvalidDataException($"The serialized LinUCB policy has dimension {dimension}.");
        }

        BanditPolicy.ExpectLength(body, 8 + ((long)armCount * ((dimension * dimension) + dimension) * 8));
        var policy = new LinUcbPolicy(armCount, dimension, BinaryPrimitives.ReadDoubleLittleEndian(body), seed);
        var offset = 8;
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
