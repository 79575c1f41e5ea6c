using System.Buffers;
using Code.Learning.Statistics;

namespace Code.Learning.CanaryJudge.Analysis;

/// <summary>
/// One metric made ready for the tests: finite values, optional pooled outlier fences, both sides sorted,
/// the serial-dependence inflation from the pooled ranks in time order, and the raw p-values of the
/// location test and the tail tests (before the multiple-testing correction).
/// </summary>
internal sealed class PreparedMetric : IDisposable
{
    private double[]? _baseline;
    private double[]? _canary;

    private PreparedMetric(CanaryMetricConfig config) => Config = config;

    public CanaryMetricConfig Config { get; }

    /// <summary>Gets why the metric has no data, or null when it has.</summary>
    public string? NoDataReason { get; private set; }

    public int BaselineCount { get; private set; }

    public int CanaryCount { get; private set; }

    public int Removed { get; private set; }

    /// <summary>Gets a note on the outlier fences when they were skipped, or null.</summary>
    public string? OutlierNote { get; private set; }

    public double Inflation { get; private set; } = 1;

    public double DegreesOfFreedom { get; private set; } = double.PositiveInfinity;

    /// <summary>Gets the data's resolution: the smallest gap between distinct values of both sides pooled (0 when all are equal).</summary>
    public double Resolution { get; private set; }

    public MannWhitneyResult Location { get; private set; }

    public double LocationSmallestPValue { get; private set; } = 1;

    /// <summary>Gets the upper-tail comparison (harmful increase), or null.</summary>
    public TailRankTest? UpperTail { get; private set; }

    /// <summary>Gets the lower-tail comparison (harmful decrease), or null.</summary>
    public TailRankTest? LowerTail { get; private set; }

    public ReadOnlySpan<double> Baseline => _baseline.AsSpan(0, BaselineCount);

    public ReadOnlySpan<double> Canary => _canary.AsSpan(0, CanaryCount);

    public static PreparedMetric Prepare(CanaryMetricSamples samples, bool adjustForAutocorrelation)
    {
        var config = samples.Config;
        var metric = new PreparedMetric(config);
        int rawBaseline = samples.Baseline.Length, rawCanary = samples.Canary.Length;
        var baselineTimes = ArrayPool<int>.Shared.Rent(Math.Max(1, rawBaseline));
        var canaryTimes = ArrayPool<int>.Shared.Rent(Math.Max(1, rawCanary));
        metric._baseline = ArrayPool<double>.Shared.Rent(Math.Max(1, rawBaseline));
        metric._canary = ArrayPool<double>.Shared.Rent(Math.Max(1, rawCanary));
        try
        {
            var m = CopyFinite(samples.Baseline.Span, metric._baseline, baselineTimes);
            var n = CopyFinite(samples.Canary.Span, metric._canary, canaryTimes);
            metric.Removed = rawBaseline - m + rawCanary - n;
            if (m < config.MinimumSamples || n < config.MinimumSamples)
            {
                metric.NoDataReason = $"too few finite values (baseline {m}, canary {n}; {config.MinimumSamples} needed)";
                return metric;
            }

            if (config.RemoveOutliers)
            {
                (m, n) = metric.ApplyPooledFences(m, n, baselineTimes, canaryTimes);
            }

            metric.BaselineCount = m;
            metric.CanaryCount = n;
            metric.SortAndMeasureDependence(rawBaseline == rawCanary ? rawBaseline : -1, baselineTimes, canaryTimes, adjustForAutocorrelation);
            metric.Resolution = SmallestGap(metric.Baseline, metric.Canary);
            metric.Location = MannWhitneyU.Test(metric.Baseline, metric.Canary, metric.Inflation, metric.DegreesOfFreedom);
            metric.LocationSmallestPValue = MannWhitneyU.SmallestPValue(metric.Location);
            if (config.TailQuantile is { } q)
            {
                if (config.Direction is MetricDirection.Increase or MetricDirection.Either)
                {
                    metric.UpperTail = TailRankTest.Create(metric.Baseline, metric.Canary, q, upper: true, metric.Inflation, metric.DegreesOfFreedom);
                }

                if (config.Direction is MetricDirection.Decrease or MetricDirection.Either)
                {
                    metric.LowerTail = TailRankTest.Create(metric.Baseline, metric.Canary, q, upper: false, metric.Inflation, metric.DegreesOfFreedom);
                }
            }

            return metric;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(baselineTimes);
            ArrayPool<int>.Shared.Return(canaryTimes);
        }
    }

    public void Dispose()
    {
        if (_baseline is not null)
        {
            ArrayPool<double>.Shared.Return(_baseline);
            _baseline = null;
        }

        if (_canary is not null)
        {
            ArrayPool<double>.Shared.Return(_canary);
            _canary = null;
        }
    }

    /// <summary>Tukey's fences (1.5 IQR) of both sides pooled, applied to both; skipped when a side would lose more than a quarter.</summary>
    private (int Baseline, int Canary) ApplyPooledFences(int m, int n, int[] baselineTimes, int[] canaryTimes)
    {
        var pooled = ArrayPool<double>.Shared.Rent(m + n);
        try
        {
            _baseline.AsSpan(0, m).CopyTo(pooled);
            _canary.AsSpan(0, n).CopyTo(pooled.AsSpan(m));
            var sorted = pooled.AsSpan(0, m + n);
            sorted.Sort();
            var q1 = Quantiles.TypeSeven(sorted, 0.25);
            var q3 = Quantiles.TypeSeven(sorted, 0.75);
            var (low, high) = (q1 - (1.5 * (q3 - q1)), q3 + (1.5 * (q3 - q1)));
            var keptBaseline = CountWithin(_baseline.AsSpan(0, m), low, high);
            var keptCanary = CountWithin(_canary.AsSpan(0, n), low, high);
            if (m - keptBaseline > CanaryJudgeDefaults.MaxOutlierShare * m || n - keptCanary > CanaryJudgeDefaults.MaxOutlierShare * n)
            {
                OutlierNote = $"outlier fences not applied: they would remove {m - keptBaseline} of {m} baseline and {n - keptCanary} of {n} canary values";
                return (m, n);
            }

            Removed += m - keptBaseline + n - keptCanary;
            return (KeepWithin(_baseline!, baselineTimes, m, low, high), KeepWithin(_canary!, canaryTimes, n, low, high));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(pooled);
        }
    }

    /// <summary>Sorts both sides; with the adjustment on, first ranks them pooled (mid-ranks) in time order to estimate the inflation.</summary>
    private void SortAndMeasureDependence(int alignedLength, int[] baselineTimes, int[] canaryTimes, bool adjust)
    {
        int m = BaselineCount, n = CanaryCount, total = m + n;
        if (!adjust || (m < SerialDependence.MinimumSeries && n < SerialDependence.MinimumSeries))
        {
            _baseline.AsSpan(0, m).Sort();
            _canary.AsSpan(0, n).Sort();
            return;
        }

        var keys = ArrayPool<double>.Shared.Rent(total);
        var tags = ArrayPool<int>.Shared.Rent(total);
        var ranks = ArrayPool<double>.Shared.Rent(total);
        var paired = ArrayPool<double>.Shared.Rent(Math.Max(1, alignedLength));
        var canaryAt = ArrayPool<double>.Shared.Rent(Math.Max(1, alignedLength));
        try
        {
            _baseline.AsSpan(0, m).CopyTo(keys);
            _canary.AsSpan(0, n).CopyTo(keys.AsSpan(m));
            for (var i = 0; i < total; i++)
            {
                tags[i] = i;
            }

            Array.Sort(keys, tags, 0, total);
            int b = 0, c = 0;
            for (var start = 0; start < total;)
            {
                var end = start;
                while (end + 1 < total && keys[end + 1] == keys[start])
                {
                    end++;
                }

                var midRank = ((start + end) / 2.0) + 1;
                for (var k = start; k <= end; k++)
                {
                    ranks[tags[k]] = midRank;
                    if (tags[k] < m)
                    {
                        _baseline![b++] = keys[k];
                    }
                    else
                    {
                        _canary![c++] = keys[k];
                    }
                }

                start = end + 1;
            }

            var pairs = 0;
            if (alignedLength > 0)
            {
                canaryAt.AsSpan(0, alignedLength).Fill(double.NaN);
                for (var j = 0; j < n; j++)
                {
                    canaryAt[canaryTimes[j]] = ranks[m + j];
                }

                for (var i = 0; i < m; i++)
                {
                    var other = canaryAt[baselineTimes[i]];
                    if (!double.IsNaN(other))
                    {
                        paired[pairs++] = other - ranks[i];
                    }
                }
            }

            (Inflation, DegreesOfFreedom) = SerialDependence.RankSumInflation(ranks.AsSpan(0, m), ranks.AsSpan(m, n), paired.AsSpan(0, pairs));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(tags);
            ArrayPool<double>.Shared.Return(ranks);
            ArrayPool<double>.Shared.Return(paired);
            ArrayPool<double>.Shared.Return(canaryAt);
        }
    }

    /// <summary>The smallest positive gap between consecutive distinct values of two sorted samples merged.</summary>
    private static double SmallestGap(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        var smallest = double.PositiveInfinity;
        int i = 0, j = 0;
        var previous = double.NaN;
        while (i < first.Length || j < second.Length)
        {
            var value = j >= second.Length || (i < first.Length && first[i] <= second[j]) ? first[i++] : second[j++];
            if (value > previous)
            {
                smallest = Math.Min(smallest, value - previous);
            }

            previous = value;
        }

        return double.IsPositiveInfinity(smallest) ? 0 : smallest;
    }

    private static int CopyFinite(ReadOnlySpan<double> source, double[] values, int[] times)
    {
        var count = 0;
        for (var t = 0; t < source.Length; t++)
        {
            if (double.IsFinite(source[t]))
            {
                values[count] = source[t];
                times[count++] = t;
            }
        }

        return count;
    }

    private static int CountWithin(ReadOnlySpan<double> values, double low, double high)
    {
        var count = 0;
        foreach (var v in values)
        {
            count += v >= low && v <= high ? 1 : 0;
        }

        return count;
    }

    private static int KeepWithin(double[] values, int[] times, int count, double low, double high)
    {
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (values[i] >= low && values[i] <= high)
            {
                values[kept] = values[i];
                times[kept++] = times[i];
            }
        }

        return kept;
    }
}
