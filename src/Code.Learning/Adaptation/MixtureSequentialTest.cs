using Code.Learning.Statistics;

namespace Code.Learning.Adaptation;

/// <summary>
/// The mixture sequential probability ratio test (mSPRT) for a difference of two means, after Johari,
/// Koomen, Pekelis and Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests" (Operations
/// Research, 2022).
/// </summary>
/// <remarks>
/// <para>
/// The difference of the sample means, d, is approximately N(theta, V) with V = s_a^2 / n_a + s_b^2 / n_b.
/// Mixing the likelihood ratio of theta against 0 over theta ~ N(0, tau^2) gives
/// Lambda = sqrt(V / (V + tau^2)) * exp(tau^2 d^2 / (2 V (V + tau^2))). Under theta = 0 Lambda is a
/// nonnegative martingale with mean 1 (exactly for normal outcomes of known variance), so by Ville's
/// inequality P(Lambda ever reaches 1 / alpha) &lt;= alpha: the test may be checked after every sample.
/// 1 / Lambda, kept at its running minimum, is the always-valid p-value.
/// </para>
/// <para>
/// tau is a standardized effect times the pooled standard deviation, so the test does not depend on the
/// outcome's units: with rho = tau^2 / V and z^2 = d^2 / V, log Lambda = z^2 rho / (2 (1 + rho)) - log(1 + rho) / 2.
/// </para>
/// </remarks>
internal static class MixtureSequentialTest
{
    /// <summary>1 / Lambda for the control <paramref name="a"/> and the variant <paramref name="b"/> (both with at least two values).</summary>
    public static double InverseLikelihoodRatio(RunningStatistics a, RunningStatistics b, double effectSize)
    {
        var difference = b.Mean - a.Mean;
        var variance = (a.Variance / a.Count) + (b.Variance / b.Count);
        if (!(variance > 0))
        {
            // Both sides constant: identical means carry no evidence, different ones are certain.
            return difference == 0 ? 1 : 0;
        }

        var pooled = (((a.Count - 1) * a.Variance) + ((b.Count - 1) * b.Variance)) / (a.Count + b.Count - 2);
        var rho = effectSize * effectSize * pooled / variance;
        var z2 = difference * difference / variance;
        var logRatio = (z2 * rho / (2 * (1 + rho))) - (0.5 * Math.Log(1 + rho));
        return Math.Min(1, Math.Exp(-logRatio));
    }
}
