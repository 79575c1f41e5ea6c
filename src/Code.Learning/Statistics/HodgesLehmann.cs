using System.Runtime.CompilerServices;

namespace Code.Learning.Statistics;

/// <summary>
/// The Hodges-Lehmann estimate of the shift between two samples, the median of all pairwise
/// differences <c>second[j] - first[i]</c>, and its distribution-free confidence interval. Order
/// statistics of the m*n differences are found by randomized selection over the implicit sorted
/// matrix in O((m + n) log(mn)) time without forming the differences.
/// </summary>
internal static class HodgesLehmann
{
    private const int CollectThreshold = 256;

    /// <summary>The median of the pairwise differences; both samples sorted ascending and non-empty.</summary>
    public static double Estimate(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        var total = (long)first.Length * second.Length;
        var upper = SelectDifference(first, second, total / 2);
        return total % 2 == 1 ? upper : 0.5 * (SelectDifference(first, second, (total / 2) - 1) + upper);
    }

    /// <summary>
    /// The confidence interval of the shift at level 1 - <paramref name="alpha"/>: the shifts δ that the
    /// same Mann-Whitney test (<paramref name="test"/>, computed on these samples) does not reject when
    /// applied to <c>second - δ</c>. These are order statistics k and mn - k + 1 of the pairwise
    /// differences, with k from the exact null distribution when the test was exact and otherwise from
    /// the test's normal approximation (its tie-corrected, possibly inflated σ and its continuity
    /// correction). So the closed interval excludes 0 only when the test's p-value is below α. When
    /// the samples are too small to reject any shift at this level the interval is (-∞, ∞).
    /// </summary>
    public static (double Lower, double Upper) ConfidenceInterval(ReadOnlySpan<double> first, ReadOnlySpan<double> second, in MannWhitneyResult test, double alpha)
    {
        if (test.First != first.Length || test.Second != second.Length)
        {
            throw new ArgumentException("The Mann-Whitney result was computed on samples of other sizes.", nameof(test));
        }

        var total = test.Pairs;
        long k;
        if (test.Exact)
        {
            // The exact test accepts U in [q, mn - q]; U(δ) = mn - j between the j-th and (j+1)-th difference.
            k = MannWhitneyU.ExactCriticalCount(test.First, test.Second, alpha);
        }
        else
        {
            // The normal test accepts |U - mn/2| - 1/2 <= z σ, i.e. U in [mn/2 - 1/2 - zσ, mn/2 + 1/2 + zσ].
            var z = test.Reference.Quantile(1 - (alpha / 2));
            k = (long)Math.Ceiling((total / 2.0) - 0.5 - (z * test.Sigma));
        }

        if (k < 1)
        {
            return (double.NegativeInfinity, double.PositiveInfinity);
        }

        return (SelectDifference(first, second, k - 1), SelectDifference(first, second, total - k));
    }

    /// <summary>The k-th smallest (0-based) of <c>second[j] - first[i]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SelectDifference(ReadOnlySpan<double> first, ReadOnlySpan<double> second, long k)
    {
        int m = first.Length, n = second.Length;
        if (m == 0 || n == 0 || k < 0 || k >= (long)m * n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "The order statistic is outside the pairwise differences.");
        }

        var rented = System.Buffers.ArrayPool<int>.Shared.Rent(4 * m);
        try
        {
            var low = rented.AsSpan(0, m);       // candidates of row i are columns [low, high)
            var high = rented.AsSpan(m, m);
            var less = rented.AsSpan(2 * m, m);  // first column whose difference is >= pivot
            var lessEqual = rented.AsSpan(3 * m, m); // first column whose difference is > pivot
            low.Clear();
            high.Fill(n);
            var state = 0x9E3779B97F4A7C15UL ^ (ulong)k;
            while (true)
            {
                long candidates = 0, excludedBelow = 0;
                for (var i = 0; i < m; i++)
                {
                    candidates += high[i] - low[i];
                    excludedBelow += low[i];
                }

                if (candidates <= CollectThreshold)
                {
                    return SelectAmongCandidates(first, second, low, high, (int)candidates, (int)(k - excludedBelow));
                }

                // A uniformly random candidate as pivot.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                var pick = (long)(state % (ulong)candidates);
                var row = 0;
                while (pick >= high[row] - low[row])
                {
                    pick -= high[row] - low[row];
                    row++;
                }

                var pivot = second[low[row] + (int)pick] - first[row];

                // Differences fall as i grows (for fixed j), so both boundaries move right with i.
                long countLess = 0, countLessEqual = 0;
                int pLess = 0, pLessEqual = 0;
                for (var i = 0; i < m; i++)
                {
                    while (pLess < n && second[pLess] - first[i] < pivot)
                    {
                        pLess++;
                    }

                    while (pLessEqual < n && second[pLessEqual] - first[i] <= pivot)
                    {
                        pLessEqual++;
                    }

                    less[i] = pLess;
                    lessEqual[i] = pLessEqual;
                    countLess += pLess;
                    countLessEqual += pLessEqual;
                }

                if (k < countLess)
                {
                    for (var i = 0; i < m; i++)
                    {
                        high[i] = Math.Min(high[i], less[i]);
                        low[i] = Math.Min(low[i], high[i]);
                    }
                }
                else if (k >= countLessEqual)
                {
                    for (var i = 0; i < m; i++)
                    {
                        low[i] = Math.Max(low[i], lessEqual[i]);
                        high[i] = Math.Max(high[i], low[i]);
                    }
                }
                else
                {
                    return pivot;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rented);
        }
    }

    private static double SelectAmongCandidates(
        ReadOnlySpan<double> first, ReadOnlySpan<double> second, ReadOnlySpan<int> low, ReadOnlySpan<int> high, int count, int rank)
    {
        Span<double> values = stackalloc double[CollectThreshold];
        var used = 0;
        for (var i = 0; i < first.Length; i++)
        {
            for (var j = low[i]; j < high[i]; j++)
            {
                values[used++] = second[j] - first[i];
            }
        }

        var slice = values[..count];
        slice.Sort();
        return slice[rank];
    }
}
