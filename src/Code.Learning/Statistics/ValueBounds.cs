namespace Code.Learning.Statistics;

/// <summary>The values the streaming statistics, the anomaly detectors, k-means and A/B tests accept.</summary>
internal static class ValueBounds
{
    /// <summary>
    /// The largest magnitude accepted, 1e100: differences of such values squared and summed over any
    /// feasible number of values stay finite, while a single 1e300 would overflow the first squared
    /// deviation and poison the mean and variance for good. No unit of a real metric comes near it.
    /// </summary>
    public const double MaxMagnitude = 1e100;

    /// <summary>Whether a value is finite and within ±<see cref="MaxMagnitude"/> (false for NaN).</summary>
    public static bool Accepts(double value) => Math.Abs(value) <= MaxMagnitude;
}
