using Code.Learning.Statistics;

namespace Code.Learning.Anomalies;

/// <summary>
/// Two-sided tabular CUSUM (Page, 1954) for shifts of the mean. The in-control mean and standard deviation
/// are learned from the first <c>warmup</c> values; afterwards each standardized value z updates
/// S+ = max(0, S+ + z - k) and S- = max(0, S- - z - k), and a change is signalled when either exceeds h.
/// After a signal the detector re-learns the level from the next <c>warmup</c> values.
/// </summary>
/// <remarks>
/// With k = 0.5 and h = 5 (the defaults) and the level known, a one-sigma shift is caught after about 10
/// values and the in-control average run length of the two-sided scheme is about 465 values (each side
/// alone about 930): about 18 % of in-control runs alarm within 100 values. The level is learned from the
/// warm-up, and its estimation error adds false alarms: with the default 30-value warm-up about 40 % of
/// in-control runs alarm within the first 100 values after it (median run length about 150), with a
/// 100-value warm-up about 26 %. Raise the threshold or the warm-up where false alarms are costly.
/// O(1) per value. Not thread-safe.
/// </remarks>
public sealed class CusumDetector
{
    private readonly RunningStatistics _reference = new();
    private double _mean;
    private double _deviation;
    private double _high;
    private double _low;
    private long _index = -1;

    /// <summary>Initializes a new instance of the <see cref="CusumDetector"/> class.</summary>
    /// <param name="drift">The allowance k in standard deviations (half the shift to detect quickest).</param>
    /// <param name="threshold">The decision interval h in standard deviations.</param>
    /// <param name="warmup">Values used to learn the in-control level, at least 2.</param>
    public CusumDetector(double drift = 0.5, double threshold = 5, int warmup = 30)
    {
        if (!(drift >= 0) || !double.IsFinite(drift))
        {
            throw new ArgumentOutOfRangeException(nameof(drift), drift, "The CUSUM drift must be a finite number of at least 0.");
        }

        AnomalyGuard.Positive(threshold, nameof(threshold));
        if (warmup < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "The CUSUM warm-up must be at least 2 values.");
        }

        Drift = drift;
        Threshold = threshold;
        Warmup = warmup;
    }

    /// <summary>Gets the allowance k.</summary>
    public double Drift { get; }

    /// <summary>Gets the decision interval h.</summary>
    public double Threshold { get; }

    /// <summary>Gets the number of values used to learn the level.</summary>
    public int Warmup { get; }

    /// <summary>Feeds a value.</summary>
    /// <param name="value">A finite value.</param>
    /// <returns>Whether a change was detected at this value.</returns>
    public ChangePoint Observe(double value)
    {
        AnomalyGuard.Finite(value, nameof(value));
        _index++;
        if (_reference.Count < Warmup)
        {
            _reference.Add(value);
            if (_reference.Count == Warmup)
            {
                _mean = _reference.Mean;
                _deviation = Math.Max(_reference.StandardDeviation, 1e-12 * Math.Max(1, Math.Abs(_mean)));
            }

            return new ChangePoint(_index, ChangeDirection.None, 0);
        }

        var z = (value - _mean) / _deviation;
        _high = Math.Max(0, _high + z - Drift);
        _low = Math.Max(0, _low - z - Drift);
        var statistic = Math.Max(_high, _low);
        var direction = _high > Threshold ? ChangeDirection.Up : _low > Threshold ? ChangeDirection.Down : ChangeDirection.None;
        if (direction != ChangeDirection.None)
        {
            _high = 0;
            _low = 0;
            _reference.Reset();
        }

        return new ChangePoint(_index, direction, statistic);
    }
}
