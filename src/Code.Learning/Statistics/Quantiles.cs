namespace Code.Learning.Statistics;

/// <summary>Sample quantiles.</summary>
internal static class Quantiles
{
    /// <summary>Linear-interpolation quantile (Hyndman-Fan type 7, R's default) of a sorted, non-empty sample.</summary>
    public static double TypeSeven(ReadOnlySpan<double> sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lowIndex = (int)Math.Floor(h);
        var highIndex = Math.Min(lowIndex + 1, sorted.Length - 1);
        return sorted[lowIndex] + ((h - lowIndex) * (sorted[highIndex] - sorted[lowIndex]));
    }
}
