namespace Code.Learning.Statistics;

/// <summary>
/// Count, mean, variance, minimum and maximum of a stream, updated in O(1) per value with Welford's
/// algorithm, which stays accurate where the naive sum-of-squares formula cancels catastrophically.
/// </summary>
/// <remarks>Not thread-safe: one instance per writer, or synchronize externally.</remarks>
public sealed class RunningStatistics
{
    private double _mean;
    private double _m2;

    /// <summary>Gets the number of values added.</summary>
    public long Count { get; private set; }

    /// <summary>Gets the mean, or <see cref="double.NaN"/> when no value was added.</summary>
    public double Mean => Count == 0 ? double.NaN : _mean;

    /// <summary>Gets the population variance (divided by n), or <see cref="double.NaN"/> when empty.</summary>
    public double PopulationVariance => Count == 0 ? double.NaN : _m2 / Count;

    /// <summary>Gets the sample variance (divided by n - 1), or <see cref="double.NaN"/> with fewer than two values.</summary>
    public double Variance => Count < 2 ? double.NaN : _m2 / (Count - 1);

    /// <summary>Gets the sample standard deviation, or <see cref="double.NaN"/> with fewer than two values.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Gets the smallest value, or <see cref="double.NaN"/> when empty.</summary>
    public double Minimum { get; private set; } = double.NaN;

    /// <summary>Gets the largest value, or <see cref="double.NaN"/> when empty.</summary>
    public double Maximum { get; private set; } = double.NaN;

    /// <summary>Adds a value.</summary>
    /// <param name="value">A finite value within ±1e100.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN, infinite or beyond ±1e100.</exception>
    public void Add(double value)
    {
        if (!ValueBounds.Accepts(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A statistic accepts only finite values within ±{ValueBounds.MaxMagnitude:G}; NaN, infinity or a value whose square overflows would poison the mean and variance.");
        }

        Count++;
        var delta = value - _mean;
        _mean += delta / Count;
        _m2 += delta * (value - _mean);
        if (Count == 1)
        {
            Minimum = value;
            Maximum = value;
        }
        else
        {
            Minimum = Math.Min(Minimum, value);
            Maximum = Math.Max(Maximum, value);
        }
    }

    /// <summary>Folds another instance into this one (Chan et al.'s parallel combination).</summary>
    /// <param name="other">The statistics of another part of the stream.</param>
    public void Merge(RunningStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        if (Count == 0)
        {
            Count = other.Count;
            _mean = other._mean;
            _m2 = other._m2;
            Minimum = other.Minimum;
            Maximum = other.Maximum;
            return;
        }

        var total = Count + other.Count;
        var delta = other._mean - _mean;
        _mean += delta * other.Count / total;
        _m2 += other._m2 + (delta * delta * Count * other.Count / total);
        Count = total;
        Minimum = Math.Min(Minimum, other.Minimum);
        Maximum = Math.Max(Maximum, other.Maximum);
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        Count = 0;
        _mean = 0;
        _m2 = 0;
        Minimum = double.NaN;
        Maximum = double.NaN;
    }
}
