namespace Code.Learning.Statistics;

/// <summary>
/// An exponentially weighted moving average and variance: each new value <c>x</c> moves the mean by
/// <c>alpha * (x - mean)</c>, so recent values weigh more and old ones fade geometrically.
/// </summary>
/// <remarks>
/// The variance is the exponentially weighted variance of Finch (2009):
/// <c>var = (1 - alpha) * (var + alpha * delta^2)</c>. The first value sets the mean. Not thread-safe.
/// </remarks>
public sealed class ExponentialMovingAverage
{
    /// <summary>Initializes a new instance of the <see cref="ExponentialMovingAverage"/> class.</summary>
    /// <param name="alpha">The smoothing factor, greater than 0 and at most 1 (1 keeps only the last value).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is outside (0, 1].</exception>
    public ExponentialMovingAverage(double alpha)
    {
        if (!(alpha > 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The EWMA smoothing factor must be greater than 0 and at most 1.");
        }

        Alpha = alpha;
    }

    /// <summary>Gets the smoothing factor.</summary>
    public double Alpha { get; }

    /// <summary>Gets the number of values added.</summary>
    public long Count { get; private set; }

    /// <summary>Gets the weighted mean, or <see cref="double.NaN"/> when empty.</summary>
    public double Mean { get; private set; } = double.NaN;

    /// <summary>Gets the weighted variance, or <see cref="double.NaN"/> when empty.</summary>
    public double Variance { get; private set; } = double.NaN;

    /// <summary>Gets the weighted standard deviation, or <see cref="double.NaN"/> when empty.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Creates an average whose smoothing factor corresponds to a span of <paramref name="span"/> values, <c>alpha = 2 / (span + 1)</c>.</summary>
    /// <param name="span">The span, at least 1.</param>
    /// <returns>The average.</returns>
    public static ExponentialMovingAverage FromSpan(double span)
    {
        if (!(span >= 1) || double.IsInfinity(span))
        {
            throw new ArgumentOutOfRangeException(nameof(span), span, "The EWMA span must be a finite number of at least 1.");
        }

        return new ExponentialMovingAverage(2.0 / (span + 1));
    }

    /// <summary>Adds a value.</summary>
    /// <param name="value">A finite value within ±1e100.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN, infinite or beyond ±1e100.</exception>
    public void Add(double value)
    {
        if (!ValueBounds.Accepts(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"An EWMA accepts only finite values within ±{ValueBounds.MaxMagnitude:G}.");
        }

        Count++;
        if (Count == 1)
        {
            Mean = value;
            Variance = 0;
            return;
        }

        var delta = value - Mean;
        Mean += Alpha * delta;
        Variance = (1 - Alpha) * (Variance + (Alpha * delta * delta));
    }
}
