namespace Code.Learning.Anomalies;

/// <summary>How unusual one value of a metric series is.</summary>
/// <param name="Value">The value observed.</param>
/// <param name="Score">The signed score in (robust) standard deviations from the expected level; 0 while warming up.</param>
/// <param name="IsAnomaly">Whether |score| exceeds the detector's threshold (never while warming up).</param>
public readonly record struct AnomalyScore(double Value, double Score, bool IsAnomaly);

/// <summary>The direction of a detected change of level.</summary>
public enum ChangeDirection
{
    /// <summary>No change detected.</summary>
    None,

    /// <summary>The level went up.</summary>
    Up,

    /// <summary>The level went down.</summary>
    Down,
}

/// <summary>The outcome of feeding one value to a change-point detector.</summary>
/// <param name="Index">The 0-based position of the value in the series.</param>
/// <param name="Direction">The change detected at this value, or <see cref="ChangeDirection.None"/>.</param>
/// <param name="Statistic">The detector's statistic after this value (the larger of its two sides).</param>
public readonly record struct ChangePoint(long Index, ChangeDirection Direction, double Statistic)
{
    /// <summary>Gets a value indicating whether a change was detected at this value.</summary>
    public bool Detected => Direction != ChangeDirection.None;
}
