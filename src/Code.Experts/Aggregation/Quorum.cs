namespace Code.Experts.Aggregation;

/// <summary>The quorum rule: how many usable opinions a consensus needs.</summary>
internal static class Quorum
{
    /// <summary>The larger of the minimum count (capped at the circle's size) and the minimum fraction of the circle, rounded up.</summary>
    /// <param name="experts">The number of experts.</param>
    /// <param name="minimumOpinions">The configured minimum count.</param>
    /// <param name="minimumFraction">The configured minimum fraction.</param>
    /// <returns>The quorum, at least 1.</returns>
    public static int Required(int experts, int minimumOpinions, double minimumFraction)
        => Math.Max(1, Math.Max(Math.Min(minimumOpinions, experts), (int)Math.Ceiling(minimumFraction * experts - 1e-9)));
}
