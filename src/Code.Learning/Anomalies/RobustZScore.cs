using Code.Learning.Statistics;

namespace Code.Learning.Anomalies;

/// <summary>
/// The robust z-score (Iglewicz and Hoaglin's modified z-score): the distance of a value from the median
/// in units of 1.4826 * MAD, the median absolute deviation scaled to estimate a normal standard deviation.
/// Outliers in the reference window barely move it, unlike a mean/standard-deviation z-score.
/// </summary>
public static class RobustZScore
{
    /// <summary>The MAD-to-standard-deviation factor for normal data, 1 / Phi^-1(3/4).</summary>
    public const double MadScale = 1.4826;

    /// <summary>The mean-absolute-deviation-to-standard-deviation factor for normal data, sqrt(pi / 2).</summary>
    public const double MeanAbsoluteDeviationScale = 1.2533;

    /// <summary>Scores <paramref name="value"/> against a reference window.</summary>
    /// <param name="window">The reference values (not modified).</param>
    /// <param name="value">The value to score.</param>
    /// <returns>
    /// The signed robust z-score. When MAD is 0 (more than half the window identical) the mean absolute
    /// deviation is used; when that is 0 too, 0 for a value equal to the median and ±infinity otherwise.
    /// </returns>
    /// <exception cref="ArgumentException">The window is empty or holds a non-finite value.</exception>
    public static double Score(ReadOnlySpan<double> window, double value)
    {
        if (window.IsEmpty)
        {
            throw new ArgumentException("A robust z-score needs a non-empty reference window.", nameof(window));
        }

        AnomalyGuard.Finite(value, nameof(value));
        var scratch = window.Length <= 512 ? stackalloc double[window.Length] : new double[window.Length];
        window.CopyTo(scratch);
        foreach (var x in scratch)
        {
            if (!ValueBounds.Accepts(x))
            {
                throw new ArgumentException($"The reference window holds {x}; window values must be finite and within ±{ValueBounds.MaxMagnitude:G}.", nameof(window));
            }
        }

        return ScoreInPlace(scratch, value);
    }

    /// <summary>Scores against a window that may be reordered (no copy, no allocation).</summary>
    internal static double ScoreInPlace(Span<double> scratch, double value)
    {
        scratch.Sort();
        var median = Median(scratch);
        var meanAbsolute = 0.0;
        for (var i = 0; i < scratch.Length; i++)
        {
            scratch[i] = Math.Abs(scratch[i] - median);
            meanAbsolute += scratch[i];
        }

        meanAbsolute /= scratch.Length;
        scratch.Sort();
        var mad = Median(scratch);
        var deviation = value - median;
        if (mad > 0)
        {
            return deviation / (MadScale * mad);
        }

        if (meanAbsolute > 0)
        {
            return deviation / (MeanAbsoluteDeviationScale * meanAbsolute);
        }

        return deviation == 0 ? 0 : Math.CopySign(double.PositiveInfinity, deviation);
    }

    private static double Median(ReadOnlySpan<double> sorted)
    {
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
