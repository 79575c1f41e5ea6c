namespace Code.Learning.Anomalies;

/// <summary>
/// Flags values of a metric series whose robust z-score against the previous <c>windowSize</c> values
/// exceeds a threshold (<c>learning.anomaly_threshold</c>, 3.5 by default as Iglewicz and Hoaglin recommend).
/// </summary>
/// <remarks>O(w log w) per value, allocation-free. Not thread-safe.</remarks>
public sealed class RobustZScoreDetector
{
    private readonly double[] _window;
    private readonly double[] _scratch;
    private int _count;
    private int _next;

    /// <summary>Initializes a new instance of the <see cref="RobustZScoreDetector"/> class.</summary>
    /// <param name="windowSize">How many recent values form the reference, 3 to 100000.</param>
    /// <param name="threshold">The |score| above which a value is anomalous.</param>
    /// <param name="minimumHistory">Values needed before anything is flagged; defaults to the window size.</param>
    public RobustZScoreDetector(int windowSize = 60, double threshold = 3.5, int? minimumHistory = null)
    {
        if (windowSize is < 3 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "The robust z-score window must hold between 3 and 100000 values.");
        }

        AnomalyGuard.Positive(threshold, nameof(threshold));
        MinimumHistory = minimumHistory ?? windowSize;
        if (MinimumHistory < 3 || MinimumHistory > windowSize)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumHistory), minimumHistory, "The minimum history must be between 3 and the window size.");
        }

        Threshold = threshold;
        _window = new double[windowSize];
        _scratch = new double[windowSize];
    }

    /// <summary>Gets the anomaly threshold.</summary>
    public double Threshold { get; }

    /// <summary>Gets the values needed before anything is flagged.</summary>
    public int MinimumHistory { get; }

    /// <summary>Scores a value against the window, then adds it to the window.</summary>
    /// <param name="value">A finite value.</param>
    /// <returns>The score.</returns>
    public AnomalyScore Observe(double value)
    {
        AnomalyGuard.Finite(value, nameof(value));
        var score = 0.0;
        if (_count >= MinimumHistory)
        {
            var reference = _scratch.AsSpan(0, _count);
            _window.AsSpan(0, _count).CopyTo(reference);
            score = RobustZScore.ScoreInPlace(reference, value);
        }

        _window[_next] = value;
        _next = (_next + 1) % _window.Length;
        _count = Math.Min(_count + 1, _window.Length);
        return new AnomalyScore(value, score, Math.Abs(score) > Threshold);
    }
}
