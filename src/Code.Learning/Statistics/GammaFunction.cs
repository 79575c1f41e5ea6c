namespace Code.Learning.Statistics;

/// <summary>The log-gamma function and the log-densities of the Beta distribution built on it.</summary>
internal static class GammaFunction
{
    private const double HalfLogTwoPi = 0.91893853320467274178;
    private const double StirlingFrom = 10;

    /// <summary>ln Γ(x) for x &gt; 0: Stirling's series from 10 up, shifted by Γ(x + 1) = x Γ(x) below (relative error about 1e-15).</summary>
    public static double LogGamma(double x)
    {
        if (x >= StirlingFrom)
        {
            return Stirling(x);
        }

        var product = 1.0;
        while (x < StirlingFrom)
        {
            product *= x;
            x += 1;
        }

        return Stirling(x) - Math.Log(product);
    }

    /// <summary>
    /// The log-density of Beta(<paramref name="alpha"/>, <paramref name="beta"/>) at its mean, computed
    /// without the cancellation of ln B(α, β) against (α - 1) ln m for large parameters.
    /// </summary>
    public static double LogBetaDensityAtMean(double alpha, double beta)
    {
        var sum = alpha + beta;
        var mean = alpha / sum;
        if (alpha >= StirlingFrom && beta >= StirlingFrom)
        {
            // ln B = (α - ½) ln m + (β - ½) ln(1 - m) - ½ ln s + ½ ln 2π + ε(α) + ε(β) - ε(s), so the
            // large terms of ln f(m) = (α - 1) ln m + (β - 1) ln(1 - m) - ln B cancel exactly.
            return (-0.5 * Math.Log(mean * (1 - mean))) + (0.5 * Math.Log(sum)) - HalfLogTwoPi
                - (Correction(alpha) + Correction(beta) - Correction(sum));
        }

        var (small, large) = alpha <= beta ? (alpha, beta) : (beta, alpha);
        var logBeta = LogGamma(small) + LogGammaRatio(large, small);
        return ((alpha - 1) * Math.Log(mean)) + ((beta - 1) * GammaFunction.LogOnePlus(-mean)) - logBeta;
    }

    /// <summary>ln Γ(b) - ln Γ(b + a), without cancelling two large numbers when b is large.</summary>
    private static double LogGammaRatio(double b, double a)
    {
        var sum = a + b;
        if (b < StirlingFrom)
        {
            return LogGamma(b) - LogGamma(sum);
        }

        // (b - ½) ln b - b - [(s - ½) ln s - s] = (b - ½) ln(b / s) - a ln s + a.
        return ((b - 0.5) * GammaFunction.LogOnePlus(-a / sum)) - (a * Math.Log(sum)) + a + Correction(b) - Correction(sum);
    }

    /// <summary>ln(1 + x), accurate for small |x| (Goldberg's correction of the rounded 1 + x).</summary>
    public static double LogOnePlus(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    private static double Stirling(double x) => ((x - 0.5) * Math.Log(x)) - x + HalfLogTwoPi + Correction(x);

    /// <summary>The Stirling series' correction ln Γ(x) - [(x - ½) ln x - x + ½ ln 2π] for x ≥ 10.</summary>
    private static double Correction(double x)
    {
        var inverse = 1 / x;
        var square = inverse * inverse;
        return inverse * ((1.0 / 12) - (square * ((1.0 / 360) - (square * ((1.0 / 1260) - (square / 1680))))));
    }
}
