namespace Code.Learning.Statistics;

/// <summary>
/// Streaming estimate of one quantile in constant memory (five markers) with the P² algorithm of
/// Jain and Chlamtac (1985): marker heights are adjusted with a piecewise-parabolic formula as values
/// arrive, without storing them.
/// </summary>
/// <remarks>
/// Exact for the first five values; afterwards the error is bounded by the spacing of the markers and
/// shrinks as the stream grows (for smooth distributions typically well under 1 % of the
/// inter-quartile range after a few thousand values). Not thread-safe.
/// </remarks>
public sealed class P2Quantile
{
    private readonly double[] _heights = new double[5];
    private readonly double[] _positions = new double[5];
    private readonly double[] _desired = new double[5];
    private readonly double[] _increments = new double[5];

    /// <summary>Initializes a new instance of the <see cref="P2Quantile"/> class.</summary>
    /// <param name="probability">The quantile to track, strictly between 0 and 1 (0.5 is the median, 0.99 the p99).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside (0, 1).</exception>
    public P2Quantile(double probability)
    {
        if (!(probability > 0 && probability < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The quantile probability must be strictly between 0 and 1.");
        }

        Probability = probability;
        for (var i = 0; i < 5; i++)
        {
            _positions[i] = i + 1;
        }

        _desired[0] = 1;
        _desired[1] = 1 + (2 * probability);
        _desired[2] = 1 + (4 * probability);
        _desired[3] = 3 + (2 * probability);
        _desired[4] = 5;
        _increments[0] = 0;
        _increments[1] = probability / 2;
        _increments[2] = probability;
        _increments[3] = (1 + probability) / 2;
        _increments[4] = 1;
    }

    /// <summary>Gets the tracked quantile's probability.</summary>
    public double Probability { get; }

    /// <summary>Gets the number of values added.</summary>
    public long Count { get; private set; }

    /// <summary>Gets the current estimate, or <see cref="double.NaN"/> when no value was added.</summary>
    public double Estimate
    {
        get
        {
            if (Count == 0)
            {
                return double.NaN;
            }

            if (Count >= 5)
            {
                return _heights[2];
            }

            // Fewer than five values: the exact quantile of what was seen (nearest rank).
            Span<double> seen = stackalloc double[(int)Count];
            _heights.AsSpan(0, (int)Count).CopyTo(seen);
            seen.Sort();
            var rank = (int)Math.Ceiling(Probability * Count) - 1;
            return seen[Math.Clamp(rank, 0, seen.Length - 1)];
        }
    }

    /// <summary>Adds a value.</summary>
    /// <param name="value">A finite value within ±1e100.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN, infinite or beyond ±1e100.</exception>
    public void Add(double value)
    {
        if (!ValueBounds.Accepts(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A quantile sketch accepts only finite values within ±{ValueBounds.MaxMagnitude:G}.");
        }

        if (Count < 5)
        {
            _heights[Count] = value;
            Count++;
            if (Count == 5)
            {
                Array.Sort(_heights);
            }

            return;
        }

        Count++;
        int cell;
        if (value < _heights[0])
        {
            _heights[0] = value;
            cell = 0;
        }
        else if (value >= _heights[4])
        {
            _heights[4] = Math.Max(_heights[4], value);
            cell = 3;
        }
        else
        {
            cell = 0;
            while (cell < 3 && value >= _heights[cell + 1])
            {
                cell++;
            }
        }

        for (var i = cell + 1; i < 5; i++)
        {
            _positions[i]++;
        }

        for (var i = 0; i < 5; i++)
        {
            _desired[i] += _increments[i];
        }

        for (var i = 1; i <= 3; i++)
        {
            var d = _desired[i] - _positions[i];
            if ((d >= 1 && _positions[i + 1] - _positions[i] > 1) || (d <= -1 && _positions[i - 1] - _positions[i] < -1))
            {
                var sign = Math.Sign(d);
                var candidate = Parabolic(i, sign);
                _heights[i] = _heights[i - 1] < candidate && candidate < _heights[i + 1] ? candidate : Linear(i, sign);
                _positions[i] += sign;
            }
        }
    }

    private double Parabolic(int i, int sign)
    {
        var q = _heights;
        var n = _positions;
        return q[i] + (sign / (n[i + 1] - n[i - 1]) * (
            ((n[i] - n[i - 1] + sign) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])) +
            ((n[i + 1] - n[i] - sign) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]))));
    }

    private double Linear(int i, int sign) =>
        _heights[i] + (sign * (_heights[i + sign] - _heights[i]) / (_positions[i + sign] - _positions[i]));
}
