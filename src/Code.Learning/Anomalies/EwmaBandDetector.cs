using Code.Learning.Statistics;

namespace Code.Learning.Anomalies;

/// <summary>
/// EWMA control bands: a value is anomalous when it lies more than <c>threshold</c> exponentially weighted
/// standard deviations from the exponentially weighted mean of the values before it.
/// </summary>
/// <remarks>O(1) per value. Not thread-safe.</remarks>
public sealed class EwmaBandDetector
{
    private readonly ExponentialMovingAverage _average;

    /// <summary>Initializes a new instance of the <see cref="EwmaBandDetector"/> class.</summary>
    /// <param name="alpha">The EWMA smoothing factor, in (0, 1].</param>
    /// <param name="threshold">The band half-width in standard deviations.</param>
    /// <param name="warmup">Values absorbed before anything is flagged, at least 2.</param>
    public EwmaBandDetector(double alpha = 0.1, double threshold = 3.5, int warmup = 20)
    {
        AnomalyGuard.Positive(threshold, nameof(threshold));
        if (warmup < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "The EWMA warm-up must be at least 2 values.");
        }

        _average = new ExponentialMovingAverage(alpha);
        Threshold = threshold;
        Warmup = warmup;
    }

    /// <summary>Gets the band half-width in standard deviations.</summary>
    public double Threshold { get; }

    /// <summary>Gets the values absorbed before anything is flagged.</summary>
    public int Warmup { get; }

    /// <summary>Gets the current band, mean ± threshold * deviation (NaN before the first value).</summary>
    public (double Lower, double Upper) Band =>
        (_average.Mean - (Threshold * _average.StandardDeviation), _average.Mean + (Threshold * _average.StandardDeviation));

    /// <summary>Scores a value against the band, then folds it into the average.</summary>
    /// <param name="value">A finite value.</param>
    /// <returns>The score.</returns>
    public AnomalyScore Observe(double value)
    {
        AnomalyGuard.Finite(value, nameof(value));
        var score = 0.0;
        if (_average.Count >= Warmup)
        {
            var deviation = _average.StandardDeviation;
            var distance = value - _average.Mean;
            score = deviation > 0 ? distance / deviation : distance == 0 ? 0 : Math.CopySign(double.PositiveInfinity, distance);
        }

        _average.Add(value);
        return new AnomalyScore(value, score, Math.Abs(score) > Threshold);
    }
}
