namespace Code.Learning.Statistics;

/// <summary>
/// The level each test of a family is decided at, so that deciding every test by "p &lt; its level"
/// (equivalently: its interval at 1 - level excludes 0) carries out the chosen correction.
/// </summary>
internal static class MultipleTesting
{
    /// <summary>
    /// Holm's step-down: with p-values sorted ascending, the j-th (1-based) is compared with α/(K - j + 1)
    /// until the first that is not below its threshold; that test and every later one get that threshold.
    /// Controls the family-wise error rate at α for any dependence between the tests.
    /// </summary>
    public static void Holm(ReadOnlySpan<double> pValues, double alpha, Span<double> levels)
    {
        var k = pValues.Length;
        if (k == 0)
        {
            return;
        }

        var order = SortedOrder(pValues);
        var stopped = false;
        var stopLevel = 0.0;
        for (var j = 0; j < k; j++)
        {
            var threshold = alpha / (k - j);
            if (!stopped && !(pValues[order[j]] < threshold))
            {
                stopped = true;
                stopLevel = threshold;
            }

            levels[order[j]] = stopped ? stopLevel : threshold;
        }
    }

    /// <summary>
    /// Benjamini-Hochberg: R is the largest j with p₍ⱼ₎ &lt; αj/K; every test gets the level αR/K (α/K when
    /// R = 0), so the rejected ones are exactly those of the step-up procedure and each interval is the
    /// false-coverage-rate adjusted interval of Benjamini and Yekutieli (2005). Controls the false discovery
    /// rate at α for independent or positively dependent tests.
    /// </summary>
    public static void BenjaminiHochberg(ReadOnlySpan<double> pValues, double alpha, Span<double> levels)
    {
        var k = pValues.Length;
        if (k == 0)
        {
            return;
        }

        var order = SortedOrder(pValues);
        var rejected = 0;
        for (var j = k; j >= 1; j--)
        {
            if (pValues[order[j - 1]] < alpha * j / k)
            {
                rejected = j;
                break;
            }
        }

        var level = alpha * Math.Max(1, rejected) / k;
        levels[..k].Fill(level);
    }

    private static int[] SortedOrder(ReadOnlySpan<double> pValues)
    {
        var keys = pValues.ToArray();
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }
}
