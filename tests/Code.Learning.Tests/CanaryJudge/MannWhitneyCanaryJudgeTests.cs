using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

public class MannWhitneyCanaryJudgeTests
{
    private readonly MannWhitneyCanaryJudge _judge = new();

    private static CanaryMetricSamples Metric(string name, double[] baseline, double[] canary, MetricDirection direction = MetricDirection.Increase, string group = "default", bool critical = false) =>
        new(new CanaryMetricConfig(name) { Direction = direction, Group = group, Critical = critical }, baseline, canary);

    [Fact]
    public void A_twenty_percent_latency_increase_fails()
    {
        var random = new Random(1);
        var judgment = _judge.Judge(new CanaryJudgeRequest([
            Metric("latency", CanaryData.Normal(random, 200, 100, 8), CanaryData.Normal(random, 200, 120, 8)),
        ]));

        var metric = Assert.Single(judgment.Metrics);
        Assert.Equal(CanaryMetricClassification.High, metric.Classification);
        Assert.InRange(metric.Effect, 17, 23);
        Assert.True(metric.EffectLower > 0);
        Assert.Equal(CanaryVerdict.Fail, judgment.Verdict);
        Assert.Equal(0, judgment.Score);
        Assert.Contains("latency High", judgment.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_distribution_passes_with_full_score()
    {
        var random = new Random(2);
        var judgment = _judge.Judge(new CanaryJudgeRequest([
            Metric("latency", CanaryData.Normal(random, 200, 100, 8), CanaryData.Normal(random, 200, 100, 8)),
            Metric("errors", CanaryData.Normal(random, 200, 0.01, 0.0005), CanaryData.Normal(random, 200, 0.01, 0.0005)),
        ]));

        Assert.Equal(CanaryVerdict.Pass, judgment.Verdict);
        Assert.Equal(100, judgment.Score);
        Assert.All(judgment.Metrics, m => Assert.Equal(CanaryMetricClassification.Pass, m.Classification));
    }

    [Fact]
    public void A_decrease_of_an_increase_only_metric_passes()
    {
        var random = new Random(3);
        var judgment = _judge.Judge(new CanaryJudgeRequest([
            Metric("latency", CanaryData.Normal(random, 100, 100, 5), CanaryData.Normal(random, 100, 70, 5)),
        ]));

        var metric = Assert.Single(judgment.Metrics);
        Assert.Equal(CanaryMetricClassification.Pass, metric.Classification);
        Assert.Contains("not harmful", metric.Reason, StringComparison.Ordinal);
        Assert.True(metric.PValue < 1e-6);
    }

    [Fact]
    public void Either_direction_classifies_a_decrease_as_low()
    {
        var random = new Random(3);
        var judgment = _judge.Judge(new CanaryJudgeRequest([
            Metric("throughput", CanaryData.Normal(random, 100, 100, 5), CanaryData.Normal(random, 100, 70, 5), MetricDirection.Either),
        ]));

        Assert.Equal(CanaryMetricClassification.Low, judgment.Metrics[0].Classification);
    }

    [Fact]
    public void A_significant_shift_inside_the_tolerance_passes()
    {
        var random = new Random(4);
        var judgment = _judge.Judge(new CanaryJudgeRequest([
            Metric("latency", CanaryData.Normal(random, 5000, 100, 2), CanaryData.Normal(random, 5000, 102, 2)),
        ]));

        var metric = judgment.Metrics[0];
        Assert.True(metric.PValue < 1e-10);
        Assert.Equal(CanaryMetricClassification.Pass, metric.Classification);
        Assert.Contains("no harmful shift beyond the tolerance", metric.Reason, StringComparison.Ordinal);
        Assert.True(metric.EquivalenceUpper <= metric.ToleratedShift);
    }

    [Fact]
    public void NaNs_are_dropped_and_outliers_removed_before_the_test()
    {
        var regular = Enumerable.Range(0, 50).Select(i => 95.0 + (i % 10)).ToArray();
        var baseline = regular.Concat([double.NaN, double.PositiveInfinity, 10_000]).ToArray();
        var canary = regular.Append(double.NaN).ToArray();
        var config = new CanaryMetricConfig("latency") { Direction = MetricDirection.Increase, RemoveOutliers = true };
        var metric = _judge.Judge(new CanaryJudgeRequest([new CanaryMetricSamples(config, baseline, canary)])).Metrics[0];
        Assert.Equal(50, metric.BaselineCount);
        Assert.Equal(50, metric.CanaryCount);
        Assert.Equal(4, metric.Removed); // NaN, +inf and 10000 from the baseline, NaN from the canary
        Assert.Equal(CanaryMetricClassification.Pass, metric.Classification);
    }

    [Fact]
    public void All_NaN_metric_is_NoData_and_the_verdict_is_NoData()
    {
        var judgment = _judge.Judge(new CanaryJudgeRequest([
            Metric("latency", [double.NaN, double.NaN], [1, 2, 3]),
        ]));

        Assert.Equal(CanaryMetricClassification.NoData, judgment.Metrics[0].Classification);
        Assert.Equal(CanaryVerdict.NoData, judgment.Verdict);
        Assert.Contains("too few finite values", judgment.Metrics[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Group_weights_make_a_marginal_score()
    {
        var random = new Random(7);
        var judgment = _judge.Judge(new CanaryJudgeRequest([
            Metric("cpu", CanaryData.Normal(random, 100, 50, 3), CanaryData.Normal(random, 100, 50, 3), group: "saturation"),
            Metric("latency", CanaryData.Normal(random, 100, 100, 5), CanaryData.Normal(random, 100, 130, 5), group: "latency"),
            Metric("latency_p50", CanaryData.Normal(random, 100, 80, 5), CanaryData.Normal(random, 100, 80, 5), group: "latency"),
        ])
        { GroupWeights = new Dictionary<string, double> { ["saturation"] = 3, ["latency"] = 1 } });

        // (3 * 100 + 1 * 50) / 4 = 87.5: between marginal (75) and pass (95).
        Assert.Equal(87.5, judgment.Score, 9);
        Assert.Equal(CanaryVerdict.Marginal, judgment.Verdict);
        Assert.Equal(50, judgment.Groups.Single(g => g.Group == "latency").Score);
    }

    [Fact]
    public void A_failing_critical_metric_fails_regardless_of_score()
    {
        var random = new Random(8);
        var metrics = Enumerable.Range(0, 9).Select(i => Metric("ok" + i, CanaryData.Normal(random, 60, 10, 1), CanaryData.Normal(random, 60, 10, 1))).ToList();
        metrics.Add(Metric("errors", CanaryData.Normal(random, 60, 1, 0.1), CanaryData.Normal(random, 60, 2, 0.1), critical: true));
        var judgment = _judge.Judge(new CanaryJudgeRequest(metrics));
        Assert.True(judgment.CriticalFailure);
        Assert.Equal(CanaryVerdict.Fail, judgment.Verdict);
        Assert.Equal(0, judgment.Score);
        Assert.Contains("errors", judgment.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_requests_fail_with_the_metric_named()
    {
        Assert.Throws<ArgumentException>(() => _judge.Judge(new CanaryJudgeRequest([])));
        var duplicate = Assert.Throws<ArgumentException>(() => _judge.Judge(new CanaryJudgeRequest([Metric("a", [1, 2, 3], [1, 2, 3]), Metric("a", [1, 2, 3], [1, 2, 3])])));
        Assert.Contains("'a' twice", duplicate.Message, StringComparison.Ordinal);
        var weight = Assert.Throws<ArgumentException>(() => _judge.Judge(new CanaryJudgeRequest([Metric("a", [1, 2, 3], [1, 2, 3])]) { GroupWeights = new Dictionary<string, double> { ["default"] = double.NaN } }));
        Assert.Contains("'default'", weight.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MannWhitneyCanaryJudge(new CanaryJudgeOptions { Confidence = 1 }));
        var tail = Assert.Throws<ArgumentException>(() => _judge.Judge(new CanaryJudgeRequest([new CanaryMetricSamples(new CanaryMetricConfig("p") { TailQuantile = 0.4 }, new double[] { 1, 2, 3 }, new double[] { 1, 2, 3 })])));
        Assert.Contains("'p' has tail quantile 0.4", tail.Message, StringComparison.Ordinal);
        var tailTolerance = Assert.Throws<ArgumentException>(() => _judge.Judge(new CanaryJudgeRequest([new CanaryMetricSamples(new CanaryMetricConfig("q") { TailTolerance = -1 }, new double[] { 1, 2, 3 }, new double[] { 1, 2, 3 })])));
        Assert.Contains("'q' has tail tolerance", tailTolerance.Message, StringComparison.Ordinal);
    }
}
