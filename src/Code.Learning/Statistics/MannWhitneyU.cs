using System.Runtime.CompilerServices;

namespace Code.Learning.Statistics;

/// <summary>The outcome of a two-sided Mann-Whitney U (Wilcoxon rank-sum) test.</summary>
/// <param name="U">U of the second sample: pairs where it is greater, ties counting one half.</param>
/// <param name="PValue">The two-sided p-value.</param>
/// <param name="Z">The normal-approximation statistic (0 when the p-value is exact).</param>
/// <param name="Exact">Whether the p-value is the exact permutation probability.</param>
/// <param name="Sigma">The standard deviation of U used by the normal approximation (tie-corrected, times the square root of the variance inflation); 0 when exact.</param>
/// <param name="First">Values in the first sample.</param>
/// <param name="Second">Values in the second sample.</param>
/// <param name="DegreesOfFreedom">The degrees of freedom of the t reference distribution of the approximation: ∞ (the normal) unless the variance inflation was estimated.</param>
internal readonly record struct MannWhitneyResult(double U, double PValue, double Z, bool Exact, double Sigma, int First, int Second, double DegreesOfFreedom)
{
    /// <summary>Gets the reference distribution of the approximation's statistic.</summary>
    public StudentT Reference => new(DegreesOfFreedom);

    /// <summary>Gets the number of pairwise differences, m * n.</summary>
    public long Pairs => (long)First * Second;
}

/// <summary>
/// Two-sided Mann-Whitney U test. Exact p-values from the permutation distribution when both samples
/// have at most <see cref="ExactLimit"/> values, there are no ties and the variance is not inflated;
/// otherwise the normal approximation with the tie-corrected variance (optionally inflated for serial
/// dependence) and a continuity correction, referred to the normal or, when the inflation was estimated from
/// the data, to Student's t with the effective degrees of freedom. <see cref="HodgesLehmann.ConfidenceInterval"/> inverts
/// the same distribution, so a p-value below α and an interval at 1 - α that excludes 0 agree.
/// </summary>
internal static class MannWhitneyU
{
    /// <summary>The largest sample size for which the exact distribution is used (counts stay exact integers in a double).</summary>
    public const int ExactLimit = 25;

    /// <summary>Tests whether <paramref name="second"/> tends to differ from <paramref name="first"/>; both sorted ascending.</summary>
    /// <param name="first">The first sample, sorted.</param>
    /// <param name="second">The second sample, sorted.</param>
    /// <param name="varianceInflation">The factor (at least 1) by which serial dependence inflates the variance of U; 1 for independent values.</param>
    /// <param name="degreesOfFreedom">The degrees of freedom of the inflation's estimate (∞ when it is known).</param>
    public static MannWhitneyResult Test(ReadOnlySpan<double> first, ReadOnlySpan<double> second, double varianceInflation = 1, double degreesOfFreedom = double.PositiveInfinity)
    {
        int m = first.Length, n = second.Length;
        if (m == 0 || n == 0)
        {
            throw new ArgumentException("The Mann-Whitney test needs at least one value in each sample.");
        }

        if (!(varianceInflation >= 1) || !double.IsFinite(varianceInflation))
        {
            throw new ArgumentOutOfRangeException(nameof(varianceInflation), varianceInflation, "The variance inflation must be finite and at least 1.");
        }

        var (u, tieTerm) = RankSum(first, second);
        if (tieTerm == 0 && m <= ExactLimit && n <= ExactLimit && varianceInflation == 1)
        {
            Span<double> cumulative = stackalloc double[(m * n) + 1];
            ExactCumulative(m, n, cumulative);
            var k = (int)Math.Round(u);
            var below = cumulative[k];
            var above = cumulative[(m * n) - k]; // P(U >= k) = P(U <= mn - k) by symmetry
            return new MannWhitneyResult(u, Math.Min(1, 2 * Math.Min(below, above)), 0, true, 0, m, n, double.PositiveInfinity);
        }

        var sigma = Sigma(m, n, tieTerm, varianceInflation);
        if (sigma <= 0)
        {
            // Every value equal: no evidence of a difference.
            return new MannWhitneyResult(u, 1, 0, false, 0, m, n, degreesOfFreedom);
        }

        var deviation = u - ((double)m * n / 2);
        var corrected = Math.Max(0, Math.Abs(deviation) - 0.5);
        var z = Math.CopySign(corrected / sigma, deviation);
        return new MannWhitneyResult(u, new StudentT(degreesOfFreedom).TwoSidedPValue(z), z, false, sigma, m, n, degreesOfFreedom);
    }

    /// <summary>The smallest two-sided p-value the test could give these sample sizes (complete separation).</summary>
    public static double SmallestPValue(in MannWhitneyResult test)
    {
        if (test.Exact)
        {
            // One arrangement in C(m + n, m) at each end.
            return Math.Min(1, 2 * Math.Exp(-LogChoose(test.First + test.Second, test.First)));
        }

        return test.Sigma <= 0 ? 1 : test.Reference.TwoSidedPValue(Math.Max(0, (test.Pairs / 2.0) - 0.5) / test.Sigma);
    }

    /// <summary>
    /// The smallest q with P(U &lt;= q) &gt;= <paramref name="alpha"/>/2 under the exact null distribution:
    /// a two-sided exact test at level α accepts U in [q, mn - q].
    /// </summary>
    public static int ExactCriticalCount(int m, int n, double alpha)
    {
        Span<double> cumulative = stackalloc double[(m * n) + 1];
        ExactCumulative(m, n, cumulative);
        var q = 0;
        while (cumulative[q] < alpha / 2)
        {
            q++;
        }

        return q;
    }

    /// <summary>The standard deviation of U: tie-corrected, times the square root of the inflation.</summary>
    private static double Sigma(int m, int n, double tieTerm, double varianceInflation)
    {
        var total = (double)m + n;
        var variance = (double)m * n / 12 * (total + 1 - (total > 1 ? tieTerm / (total * (total - 1)) : 0));
        return variance <= 0 ? 0 : Math.Sqrt(variance * varianceInflation);
    }

    /// <summary>U of the second sample and the tie term Σ(t³ - t), by merging the sorted samples with mid-ranks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double U, double TieTerm) RankSum(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        int m = first.Length, n = second.Length;
        double rankSumSecond = 0, tieTerm = 0;
        int i = 0, j = 0, position = 0;
        while (i < m || j < n)
        {
            var value = j >= n || (i < m && first[i] <= second[j]) ? first[i] : second[j];
            int inFirst = 0, inSecond = 0;
            while (i < m && first[i] == value)
            {
                i++;
                inFirst++;
            }

            while (j < n && second[j] == value)
            {
                j++;
                inSecond++;
            }

            var t = inFirst + inSecond;
            var midRank = position + ((t + 1) / 2.0);
            rankSumSecond += inSecond * midRank;
            tieTerm += ((double)t * t * t) - t;
            position += t;
        }

        return (rankSumSecond - (n * (n + 1) / 2.0), tieTerm);
    }

    /// <summary>P(U &lt;= k) for k = 0..mn under the exact null distribution (no ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExactCumulative(int m, int n, Span<double> cumulative)
    {
        // Coefficients of the Gaussian binomial [m+n choose m]_q are the counts of arrangements with U = k;
        // with m, n <= 25 every count stays below 2^53, so the recurrence is exact.
        var max = m * n;
        var counts = cumulative[..(max + 1)];
        counts.Clear();
        counts[0] = 1;
        for (var step = 1; step <= m; step++)
        {
            var up = n + step;
            for (var k = max; k >= up; k--)
            {
                counts[k] -= counts[k - up];
            }

            for (var k = step; k <= max; k++)
            {
                counts[k] += counts[k - step];
            }
        }

        double all = 0;
        for (var k = 0; k <= max; k++)
        {
            all += counts[k];
        }

        double running = 0;
        for (var k = 0; k <= max; k++)
        {
            running += counts[k];
            counts[k] = running / all;
        }
    }

    private static double LogChoose(int total, int chosen) =>
        SpecialFunctions.LogGamma(total + 1) - SpecialFunctions.LogGamma(chosen + 1) - SpecialFunctions.LogGamma(total - chosen + 1);
}
