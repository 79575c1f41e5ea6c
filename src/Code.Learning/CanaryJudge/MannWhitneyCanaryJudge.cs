using Code.Learning.CanaryJudge.Analysis;
using Code.Learning.Diagnostics;
using Code.Learning.Statistics;

namespace Code.Learning.CanaryJudge;

/// <summary>
/// The Kayenta-style judge: per metric a Mann-Whitney U test with the Hodges-Lehmann shift and its interval from
/// the same distribution, a distribution-free tail-quantile comparison, serial-dependence inflation, a
/// multiple-testing correction over every test of the analysis, a three-way decision per metric (fail, pass,
/// inconclusive) and a weighted score.
/// </summary>
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
        CanaryRequestValidation.Validate(request);
        using var activity = LearningDiagnostics.ActivitySource.HasListeners() ? LearningDiagnostics.ActivitySource.StartActivity("code.learning.canary_judge") : null;

        var count = request.Metrics.Count;
        var prepared = new PreparedMetric[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                prepared[i] = PreparedMetric.Prepare(request.Metrics[i], _options.AdjustForAutocorrelation);
            }

            var (location, upperTail, lowerTail) = AssignLevels(prepared);
            var results = new CanaryMetricResult[count];
            for (var i = 0; i < count; i++)
            {
                var metric = prepared[i];
                results[i] = metric.NoDataReason is { } reason
                    ? MetricDecision.NoData(metric.Config, metric.BaselineCount, metric.CanaryCount, metric.Removed, reason)
                    : MetricDecision.Decide(metric, 1 - _options.Confidence, location[i], upperTail[i], lowerTail[i]);
            }

            var judgment = CanaryScoring.Score(request, results, _options);
            activity?.SetTag("code.canary.score", judgment.Score);
            activity?.SetTag("code.canary.verdict", judgment.Verdict.ToString());
            return judgment;
        }
        finally
        {
            foreach (var metric in prepared)
            {
                metric?.Dispose();
            }
        }
    }

    /// <summary>
    /// Every test that could reach significance at α enters the family; the correction gives each its level.
    /// Tests that cannot reach α (too few values) stay at α: they cannot reject there either. Tails that
    /// cannot reach α are not made.
    /// </summary>
    private (double[] Location, double[] UpperTail, double[] LowerTail) AssignLevels(PreparedMetric[] prepared)
    {
        var alpha = 1 - _options.Confidence;
        var count = prepared.Length;
        var location = new double[count];
        var upperTail = new double[count];
        var lowerTail = new double[count];
        var pValues = new List<double>(count);
        var slots = new List<(int Metric, int Kind)>(count);
        for (var i = 0; i < count; i++)
        {
            var metric = prepared[i];
            location[i] = alpha;
            upperTail[i] = double.NaN;
            lowerTail[i] = double.NaN;
            if (metric.NoDataReason is not null)
            {
                continue;
            }

            if (metric.LocationSmallestPValue < alpha)
            {
                pValues.Add(metric.Location.PValue);
                slots.Add((i, 0));
            }

            if (metric.UpperTail is { } up && up.SmallestPValue < alpha)
            {
                pValues.Add(up.PValue);
                slots.Add((i, 1));
            }

            if (metric.LowerTail is { } down && down.SmallestPValue < alpha)
            {
                pValues.Add(down.PValue);
                slots.Add((i, 2));
            }
        }

        var levels = new double[pValues.Count];
        var p = pValues.ToArray();
        switch (_options.MultipleTesting)
        {
            case CanaryMultipleTesting.Holm:
                MultipleTesting.Holm(p, alpha, levels);
                break;
            case CanaryMultipleTesting.BenjaminiHochberg:
                MultipleTesting.BenjaminiHochberg(p, alpha, levels);
                break;
            default:
                levels.AsSpan().Fill(alpha);
                break;
        }

        for (var k = 0; k < slots.Count; k++)
        {
            var (metric, kind) = slots[k];
            var target = kind switch { 0 => location, 1 => upperTail, _ => lowerTail };
            target[metric] = levels[k];
        }

        return (location, upperTail, lowerTail);
    }
}
