using System.Buffers;
using System.Globalization;
using Code.Learning.Diagnostics;
using Code.Learning.Statistics;

namespace Code.Learning.CanaryJudge;

/// <summary>The Kayenta-style judge: Mann-Whitney U per metric, Hodges-Lehmann effect size, weighted group score.</summary>
internal sealed class MannWhitneyCanaryJudge : ICanaryJudge
{
    private readonly CanaryJudgeOptions _options;

    public MannWhitneyCanaryJudge(CanaryJudgeOptions? options = null)
    {
        _options = options ?? new CanaryJudgeOptions();
        _options.Validate();
    }

    public CanaryJudgment Judge(CanaryJudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        using var activity = LearningDiagnostics.ActivitySource.HasListeners() ? LearningDiagnostics.ActivitySource.StartActivity("code.learning.canary_judge") : null;

        var results = new CanaryMetricResult[request.Metrics.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = JudgeMetric(request.Metrics[i]);
        }

        var judgment = Score(request, results);
        activity?.SetTag("code.canary.score", judgment.Score);
        activity?.SetTag("code.canary.verdict", judgment.Verdict.ToString());
        return judgment;
    }

    internal CanaryMetricResult JudgeMetric(CanaryMetricSamples samples)
    {
        var config = samples.Config;
        var baselineBuffer = ArrayPool<double>.Shared.Rent(Math.Max(1, samples.Baseline.Length));
        var canaryBuffer = ArrayPool<double>.Shared.Rent(Math.Max(1, samples.Canary.Length));
        try
        {
            var baseline = CopyFinite(samples.Baseline.Span, baselineBuffer);
            var canary = CopyFinite(samples.Canary.Span, canaryBuffer);
            var removed = samples.Baseline.Length - baseline.Length + samples.Canary.Length - canary.Length;
            if (baseline.Length < config.MinimumSamples || canary.Length < config.MinimumSamples)
            {
                return NoData(config, baseline.Length, canary.Length, removed, $"too few finite values (baseline {baseline.Length}, canary {canary.Length}; {config.MinimumSamples} needed)");
            }

            baseline.Sort();
            canary.Sort();
            if (config.RemoveOutliers)
            {
                var b = WithinFences(baseline);
                var c = WithinFences(canary);
                removed += baseline.Length - b.Length + canary.Length - c.Length;
                baseline = b;
                canary = c;
                if (baseline.Length < config.MinimumSamples || canary.Length < config.MinimumSamples)
                {
                    return NoData(config, baseline.Length, canary.Length, removed, "too few values left after outlier removal");
                }
            }

            return Classify(config, baseline, canary, removed);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(baselineBuffer);
            ArrayPool<double>.Shared.Return(canaryBuffer);
        }
    }

    private CanaryMetricResult Classify(CanaryMetricConfig config, ReadOnlySpan<double> baseline, ReadOnlySpan<double> canary, int removed)
    {
        var test = MannWhitneyU.Test(baseline, canary);
        var effect = HodgesLehmann.Estimate(baseline, canary);
        var (lower, upper) = HodgesLehmann.ConfidenceInterval(baseline, canary, _options.Confidence);
        var baselineMedian = Median(baseline);
        var canaryMedian = Median(canary);
        var relative = baselineMedian != 0 ? effect / Math.Abs(baselineMedian) : effect == 0 ? 0 : Math.CopySign(double.PositiveInfinity, effect);

        var alpha = 1 - _options.Confidence;
        string reason;
        var classification = CanaryMetricClassification.Pass;
        var p = test.PValue.ToString("G3", CultureInfo.InvariantCulture);
        var rel = relative.ToString("P1", CultureInfo.InvariantCulture);
        if (test.PValue >= alpha)
        {
            reason = $"no significant difference (p = {p} >= {alpha.ToString("G3", CultureInfo.InvariantCulture)})";
        }
        else if (effect == 0 || Math.Abs(relative) <= config.Tolerance || Math.Abs(effect) <= config.AbsoluteTolerance)
        {
            reason = $"significant (p = {p}) but the shift {rel} is within the tolerance";
        }
        else
        {
            var increase = effect > 0;
            var harmful = config.Direction == MetricDirection.Either || (config.Direction == MetricDirection.Increase) == increase;
            if (harmful)
            {
                classification = increase ? CanaryMetricClassification.High : CanaryMetricClassification.Low;
                reason = $"canary {(increase ? "higher" : "lower")} by {rel} (p = {p})";
            }
            else
            {
                reason = $"canary {(increase ? "higher" : "lower")} by {rel} (p = {p}), which is not harmful for this metric";
            }
        }

        return new CanaryMetricResult(
            config.Name, config.Group, classification, test.PValue, test.Exact, effect, relative, lower, upper,
            baselineMedian, canaryMedian, baseline.Length, canary.Length, removed, reason);
    }

    private CanaryJudgment Score(CanaryJudgeRequest request, CanaryMetricResult[] results)
    {
        var order = new List<string>();
        var tallies = new Dictionary<string, (int Passed, int Failed, int NoData)>(StringComparer.Ordinal);
        var critical = new List<string>();
        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i];
            var config = request.Metrics[i].Config;
            if (!tallies.TryGetValue(result.Group, out var tally))
            {
                order.Add(result.Group);
            }

            tally = result.Classification switch
            {
                CanaryMetricClassification.Pass => tally with { Passed = tally.Passed + 1 },
                CanaryMetricClassification.NoData => tally with { NoData = tally.NoData + 1 },
                _ => tally with { Failed = tally.Failed + 1 },
            };
            tallies[result.Group] = tally;
            if ((config.Critical && result.Failed) || (config.RequireData && result.Classification == CanaryMetricClassification.NoData))
            {
                critical.Add(result.Name);
            }
        }

        var groups = new List<CanaryGroupResult>(order.Count);
        double weighted = 0, totalWeight = 0;
        foreach (var group in order)
        {
            var (passed, failed, noData) = tallies[group];
            var weight = request.GroupWeights is not null && request.GroupWeights.TryGetValue(group, out var w) ? w : 1.0;
            var withData = passed + failed;
            var score = withData == 0 ? double.NaN : 100.0 * passed / withData;
            groups.Add(new CanaryGroupResult(group, weight, score, passed, failed, noData));
            if (withData > 0)
            {
                weighted += weight * score;
                totalWeight += weight;
            }
        }

        var failedNames = string.Join(", ", results.Where(r => r.Failed).Select(r => $"{r.Name} {r.Classification}"));
        if (critical.Count > 0)
        {
            return new CanaryJudgment(0, CanaryVerdict.Fail, true, results, groups, $"fail: critical metric(s) {string.Join(", ", critical)} failed");
        }

        if (totalWeight == 0)
        {
            return new CanaryJudgment(0, CanaryVerdict.NoData, false, results, groups, "no data: no metric had enough values to judge");
        }

        var total = weighted / totalWeight;
        var verdict = total >= _options.PassThreshold ? CanaryVerdict.Pass : total >= _options.MarginalThreshold ? CanaryVerdict.Marginal : CanaryVerdict.Fail;
        var scoreText = total.ToString("F1", CultureInfo.InvariantCulture);
        var summary = failedNames.Length == 0
            ? $"{verdict.ToString().ToLowerInvariant()}: score {scoreText}, no metric failed"
            : $"{verdict.ToString().ToLowerInvariant()}: score {scoreText}; failed: {failedNames}";
        return new CanaryJudgment(total, verdict, false, results, groups, summary);
    }

    private static void Validate(CanaryJudgeRequest request)
    {
        if (request.Metrics is null || request.Metrics.Count == 0)
        {
            throw new ArgumentException("A canary analysis needs at least one metric.", nameof(request));
        }

        if (request.Metrics.Count > CanaryJudgeDefaults.MaxMetrics)
        {
            throw new ArgumentException($"A canary analysis has {request.Metrics.Count} metrics; at most {CanaryJudgeDefaults.MaxMetrics} are accepted.", nameof(request));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Metrics.Count; i++)
        {
            var metric = request.Metrics[i] ?? throw new ArgumentException($"Metric {i} of the canary analysis is null.", nameof(request));
            var config = metric.Config ?? throw new ArgumentException($"Metric {i} of the canary analysis has no config.", nameof(request));
            if (!names.Add(config.Name))
            {
                throw new ArgumentException($"The canary analysis names metric '{config.Name}' twice; metric names must be unique.", nameof(request));
            }

            if (metric.Baseline.Length > CanaryJudgeDefaults.MaxSamplesPerSide || metric.Canary.Length > CanaryJudgeDefaults.MaxSamplesPerSide)
            {
                throw new ArgumentException($"Metric '{config.Name}' has more than {CanaryJudgeDefaults.MaxSamplesPerSide} samples on one side.", nameof(request));
            }

            if (!(config.Tolerance >= 0) || !double.IsFinite(config.Tolerance) || !(config.AbsoluteTolerance >= 0) || !double.IsFinite(config.AbsoluteTolerance))
            {
                throw new ArgumentException($"Metric '{config.Name}' has a negative or non-finite tolerance.", nameof(request));
            }

            if (config.MinimumSamples < 1)
            {
                throw new ArgumentException($"Metric '{config.Name}' has minimum samples {config.MinimumSamples}; it must be at least 1.", nameof(request));
            }
        }

        if (request.GroupWeights is not null)
        {
            foreach (var (group, weight) in request.GroupWeights)
            {
                if (!(weight > 0) || !double.IsFinite(weight))
                {
                    throw new ArgumentException($"Group '{group}' has weight {weight}; group weights must be finite and greater than 0.", nameof(request));
                }
            }
        }
    }

    private static CanaryMetricResult NoData(CanaryMetricConfig config, int baselineCount, int canaryCount, int removed, string reason) =>
        new(config.Name, config.Group, CanaryMetricClassification.NoData, double.NaN, false, double.NaN, double.NaN, double.NaN, double.NaN,
            double.NaN, double.NaN, baselineCount, canaryCount, removed, reason);

    private static Span<double> CopyFinite(ReadOnlySpan<double> source, double[] buffer)
    {
        var count = 0;
        foreach (var value in source)
        {
            if (double.IsFinite(value))
            {
                buffer[count++] = value;
            }
        }

        return buffer.AsSpan(0, count);
    }

    /// <summary>The values of a sorted sample inside Tukey's fences, Q1 - 1.5 IQR and Q3 + 1.5 IQR.</summary>
    internal static Span<double> WithinFences(Span<double> sorted)
    {
        if (sorted.Length < 4)
        {
            return sorted;
        }

        var q1 = Quantile(sorted, 0.25);
        var q3 = Quantile(sorted, 0.75);
        var iqr = q3 - q1;
        var (low, high) = (q1 - (1.5 * iqr), q3 + (1.5 * iqr));
        var start = 0;
        while (sorted[start] < low)
        {
            start++;
        }

        var end = sorted.Length;
        while (sorted[end - 1] > high)
        {
            end--;
        }

        return sorted[start..end];
    }

    /// <summary>Linear-interpolation quantile (Hyndman-Fan type 7) of a sorted sample.</summary>
    internal static double Quantile(ReadOnlySpan<double> sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lowIndex = (int)Math.Floor(h);
        var highIndex = Math.Min(lowIndex + 1, sorted.Length - 1);
        return sorted[lowIndex] + ((h - lowIndex) * (sorted[highIndex] - sorted[lowIndex]));
    }

    private static double Median(ReadOnlySpan<double> sorted) => Quantile(sorted, 0.5);
}
