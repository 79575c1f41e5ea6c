namespace Code.Learning.Statistics;

/// <summary>The outcome of a two-sided Mann-Whitney U (Wilcoxon rank-sum) test.</summary>
/// <param name="U">U of the second sample: pairs where it is greater, ties counting one half.</param>
/// <param name="PValue">The two-sided p-value.</param>
/// <param name="Z">The normal-approximation statistic (0 when the p-value is exact).</param>
/// <param name="Exact">Whether the p-value is the exact permutation probability.</param>
internal readonly record struct MannWhitneyResult(double U, double PValue, double Z, bool Exact);

/// <summary>
/// Two-sided Mann-Whitney U test. Exact p-values from the permutation distribution when both samples
/// have at most <see cref="ExactLimit"/> values and there are no ties; otherwise the normal approximation
/// with the tie-corrected variance and a continuity correction.
/// </summary>
internal static class MannWhitneyU
{
    /// <summary>The largest sample size for which the exact distribution is used.</summary>
    public const int ExactLimit = 25;

    /// <summary>Tests whether <paramref name="second"/> tends to differ from <paramref name="first"/>; both sorted ascending.</summary>
    public static MannWhitneyResult Test(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        int m = first.Length, n = second.Length;
        if (m == 0 || n == 0)
        {
            throw new ArgumentException("The Mann-Whitney test needs at least one value in each sample.");
        }

        // Merge the two sorted samples, giving tied values their mid-rank.
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

        var u = rankSumSecond - (n * (n + 1) / 2.0);
        var mn = (double)m * n;
        if (tieTerm == 0 && m <= ExactLimit && n <= ExactLimit)
        {
            return new MannWhitneyResult(u, ExactTwoSided(m, n, (int)Math.Round(u)), 0, true);
        }

        var total = m + n;
        var variance = mn / 12 * (total + 1 - (tieTerm / ((double)total * (total - 1))));
        if (variance <= 0)
        {
            // Every value equal: no evidence of a difference.
            return new MannWhitneyResult(u, 1, 0, false);
        }

        var deviation = u - (mn / 2);
        var corrected = Math.Max(0, Math.Abs(deviation) - 0.5);
        var z = Math.CopySign(corrected / Math.Sqrt(variance), deviation);
        return new MannWhitneyResult(u, NormalDistribution.TwoSidedPValue(z), z, false);
    }

    /// <summary>Two-sided exact p-value: 2 * min(P(U &lt;= u), P(U &gt;= u)), capped at 1.</summary>
    private static double ExactTwoSided(int m, int n, int u)
    {
        // Coefficients of the Gaussian binomial [m+n choose m]_q are the counts of arrangements with U = k.
        var max = m * n;
        Span<double> counts = max < 1024 ? stackalloc double[max + 1] : new double[max + 1];
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

        double below = 0, above = 0, all = 0;
        for (var k = 0; k <= max; k++)
        {
            all += counts[k];
            if (k <= u)
            {
                below += counts[k];
            }

            if (k >= u)
            {
                above += counts[k];
            }
        }

        return Math.Min(1, 2 * Math.Min(below, above) / all);
    }
}
