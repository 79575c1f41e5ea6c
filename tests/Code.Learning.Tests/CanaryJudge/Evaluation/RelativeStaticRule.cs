using Code.Learning.CanaryJudge;
using Code.Learning.Statistics;

namespace Code.Learning.Tests.CanaryJudge.Evaluation;

/// <summary>
/// A static rule applied to the same samples the judge sees: the canary fails when, for any metric, its quantile
/// (the median by default) is worse than the baseline's by more than a fixed margin in the harmful direction. The
/// best static rule of the external evaluation was "median worse by more than 10 %".
/// </summary>
internal sealed record RelativeStaticRule(string Name, double Quantile, double Margin)
{
    public static RelativeStaticRule Median(double margin) => new($"static, median worse by > {margin:P0}", 0.5, margin);

    public static RelativeStaticRule Tail(double quantile, double margin) => new($"static, p{quantile * 100:0} worse by > {margin:P0}", quantile, margin);

    public bool Fails(CanaryJudgeRequest request)
    {
        foreach (var metric in request.Metrics)
        {
            var baseline = Finite(metric.Baseline.Span);
            var canary = Finite(metric.Canary.Span);
            if (baseline.Length == 0 || canary.Length == 0)
            {
                continue;
            }

            var b = Quantiles.TypeSeven(baseline, Quantile);
            var c = Quantiles.TypeSeven(canary, Quantile);
            var worse = metric.Config.Direction switch
            {
                MetricDirection.Increase => c - b,
                MetricDirection.Decrease => b - c,
                _ => Math.Abs(c - b),
            };
            if (worse > Margin * Math.Abs(b) && worse > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static double[] Finite(ReadOnlySpan<double> values)
    {
        var list = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                list.Add(v);
            }
        }

        list.Sort();
        return [.. list];
    }
}
