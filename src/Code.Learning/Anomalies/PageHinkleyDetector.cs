namespace Code.Learning.Anomalies;

/// <summary>
/// The Page-Hinkley test for a change of the mean, both directions, needing no warm-up: with the running
/// mean x̄_t, m_t = sum(x_i - x̄_i - delta) and a change up is signalled when m_t - min(m) exceeds lambda
/// (mirrored for a change down). After a signal the detector starts afresh.
/// </summary>
/// <remarks>delta and lambda are in the metric's unit. O(1) per value. Not thread-safe.</remarks>
public sealed class PageHinkleyDetector
{
    private long _count;
    private double _mean;
    private double _up;
    private double _upMin;
    private double _down;
    private double _downMin;
    private long _index = -1;

    /// <summary>Initializes a new instance of the <see cref="PageHinkleyDetector"/> class.</summary>
    /// <param name="delta">The magnitude of change tolerated (in the metric's unit).</param>
    /// <param name="lambda">The detection threshold (in the metric's unit times values).</param>
    /// <param name="minimumValues">Values seen before a change may be signalled.</param>
    public PageHinkleyDetector(double delta, double lambda, int minimumValues = 10)
    {
        if (!(delta >= 0) || !double.IsFinite(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "The Page-Hinkley delta must be a finite number of at least 0.");
        }

        AnomalyGuard.Positive(lambda, nameof(lambda));
        Delta = delta;
        Lambda = lambda;
        MinimumValues = Math.Max(1, minimumValues);
    }

    /// <summary>Gets the tolerated magnitude of change.</summary>
    public double Delta { get; }

    /// <summary>Gets the detection threshold.</summary>
    public double Lambda { get; }

    /// <summary>Gets the values needed before a change may be signalled.</summary>
    public int MinimumValues { get; }

    /// <summary>Feeds a value.</summary>
    /// <param name="value">A finite value.</param>
    /// <returns>Whether a change was detected at this value.</returns>
    public ChangePoint Observe(double value)
    {
        AnomalyGuard.Finite(value, nameof(value));
        _index++;
        _count++;
        _mean += (value - _mean) / _count;
        _up += value - _mean - Delta;
        _upMin = Math.Min(_upMin, _up);
        _down += _mean - value - Delta;
        _downMin = Math.Min(_downMin, _down);
        var upStatistic = _up - _upMin;
        var downStatistic = _down - _downMin;
        var direction = ChangeDirection.None;
        if (_count >= MinimumValues)
        {
            direction = upStatistic > Lambda ? ChangeDirection.Up : downStatistic > Lambda ? ChangeDirection.Down : ChangeDirection.None;
        }

        if (direction != ChangeDirection.None)
        {
            _count = 0;
            _mean = 0;
            _up = _upMin = _down = _downMin = 0;
        }

        return new ChangePoint(_index, direction, Math.Max(upStatistic, downStatistic));
    }
}
