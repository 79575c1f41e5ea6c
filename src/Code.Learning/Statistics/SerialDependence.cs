namespace Code.Learning.Statistics;

/// <summary>
/// How much serial dependence (values scraped at intervals are autocorrelated) inflates the variance of
/// the Mann-Whitney statistic. U - mn/2 = (mn/N) (mean canary rank - mean baseline rank), with pooled
/// mid-ranks; the judge estimates the variance of that difference of mean ranks from the data, allowing
/// for AR(1) dependence of the rank series, and divides by the variance the test assumes for independent values.
/// </summary>
/// <remarks>
/// When both series have the same length they are taken as aligned in time (value t of each side from
/// the same interval) and the variance is estimated from the paired rank differences, so drift shared
/// by both sides cancels; otherwise each side's rank series is treated separately (a drift then counts as
/// dependence, which is cautious). The inflation is never below 1: the estimate may only make the test more
/// cautious than the independence assumption.
/// </remarks>
internal static class SerialDependence
{
    /// <summary>Series shorter than this are taken as independent: too short to estimate a correlation.</summary>
    public const int MinimumSeries = 8;

    /// <summary>The largest lag-1 correlation used (beyond it the AR(1) factor explodes on noise).</summary>
    public const double MaximumCorrelation = 0.95;

    /// <summary>Lag-1 autocorrelation of a series, corrected for its small-sample bias and clamped to [0, <see cref="MaximumCorrelation"/>].</summary>
    /// <remarks>r₁ has bias about -(1 + 4ρ)/n for an AR(1) series; solving r₁ = ρ - (1 + 4ρ)/n gives (n r₁ + 1) / (n - 4).</remarks>
    public static double Lag1Correlation(ReadOnlySpan<double> series)
    {
        var n = series.Length;
        if (n < MinimumSeries)
        {
            return 0;
        }

        double mean = 0;
        foreach (var value in series)
        {
            mean += value;
        }

        mean /= n;
        double sumSquares = 0, lagged = 0;
        for (var t = 0; t < n; t++)
        {
            var d = series[t] - mean;
            sumSquares += d * d;
            if (t + 1 < n)
            {
                lagged += d * (series[t + 1] - mean);
            }
        }

        if (sumSquares <= 0)
        {
            return 0;
        }

        var r1 = lagged / sumSquares;
        return Math.Clamp(((n * r1) + 1) / (n - 4), 0, MaximumCorrelation);
    }

    /// <summary>Var(mean of n values of an AR(1) series) / (σ²/n) = 1 + 2 Σₖ (1 - k/n) ρᵏ.</summary>
    public static double MeanVarianceFactor(double rho, int n)
    {
        if (rho <= 0 || n < 2)
        {
            return 1;
        }

        double factor = 1, power = 1;
        for (var k = 1; k < n; k++)
        {
            power *= rho;
            if (power < 1e-12)
            {
                break;
            }

            factor += 2 * (1 - ((double)k / n)) * power;
        }

        return factor;
    }

    /// <summary>
    /// The variance inflation of U for pooled mid-ranks given in time order: the AR(1) factor of the paired rank
    /// differences when the series are aligned, otherwise the size-weighted AR(1) factors of the two rank series;
    /// and the degrees of freedom of that estimate, the effective sample size minus 1 (∞ when no inflation).
    /// </summary>
    /// <param name="baselineRanks">The baseline's pooled mid-ranks, in time order.</param>
    /// <param name="canaryRanks">The canary's pooled mid-ranks, in time order.</param>
    /// <param name="pairedDifferences">Canary minus baseline rank at the same time, for aligned series (empty when not aligned).</param>
    /// <returns>The factor (at least 1) and its degrees of freedom.</returns>
    public static (double Inflation, double DegreesOfFreedom) RankSumInflation(ReadOnlySpan<double> baselineRanks, ReadOnlySpan<double> canaryRanks, ReadOnlySpan<double> pairedDifferences)
    {
        int m = baselineRanks.Length, n = canaryRanks.Length;
        double inflation, size;
        if (pairedDifferences.Length >= MinimumSeries)
        {
            // Var(mean canary rank - mean baseline rank) = Var(mean d): drift shared at the same times cancels in d.
            size = pairedDifferences.Length;
            inflation = MeanVarianceFactor(Lag1Correlation(pairedDifferences), pairedDifferences.Length);
        }
        else
        {
            // Var(mean canary rank) + Var(mean baseline rank), each AR(1)-inflated, over the same sum for independent values.
            size = 2.0 / ((1.0 / m) + (1.0 / n));
            var canaryFactor = MeanVarianceFactor(Lag1Correlation(canaryRanks), n);
            var baselineFactor = MeanVarianceFactor(Lag1Correlation(baselineRanks), m);
            inflation = ((canaryFactor / n) + (baselineFactor / m)) / ((1.0 / n) + (1.0 / m));
        }

        return inflation <= 1 ? (1, double.PositiveInfinity) : (inflation, Math.Max(1, (size / inflation) - 1));
    }
}
