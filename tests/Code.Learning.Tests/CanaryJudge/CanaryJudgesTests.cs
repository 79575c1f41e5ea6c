using System.Diagnostics;
using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

public class CanaryJudgesTests
{
    [Fact]
    public void Create_honours_the_options()
    {
        var strict = CanaryJudges.Create(new CanaryJudgeOptions { PassThreshold = 100, MarginalThreshold = 60 });
        var random = new Random(12);
        var judgment = strict.Judge(new CanaryJudgeRequest([
            new CanaryMetricSamples(new CanaryMetricConfig("a"), CanaryData.Normal(random, 300, 10, 1), CanaryData.Normal(random, 300, 10, 1)),
            new CanaryMetricSamples(new CanaryMetricConfig("b"), CanaryData.Normal(random, 300, 10, 1), CanaryData.Normal(random, 300, 10, 1)),
            new CanaryMetricSamples(new CanaryMetricConfig("c"), CanaryData.Normal(random, 300, 10, 1), CanaryData.Normal(random, 300, 14, 1)),
        ]));

        Assert.Equal(200.0 / 3, judgment.Score, 9);
        Assert.Equal(CanaryVerdict.Marginal, judgment.Verdict);
        Assert.Throws<ArgumentOutOfRangeException>(() => CanaryJudges.Create(new CanaryJudgeOptions { PassThreshold = 50, MarginalThreshold = 60 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CanaryJudges.Create(new CanaryJudgeOptions { MultipleTesting = (CanaryMultipleTesting)7 }));
    }

    [Fact]
    public void A_judgement_is_traced_with_its_score_and_verdict()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Code.Learning",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (stopped) { stopped.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);

        var random = new Random(13);
        var judgment = CanaryJudges.Create().Judge(new CanaryJudgeRequest([
            new CanaryMetricSamples(new CanaryMetricConfig("traced-metric"), CanaryData.Normal(random, 50, 10, 1), CanaryData.Normal(random, 50, 20, 1)),
        ]));

        lock (stopped)
        {
            Assert.Contains(stopped, a => a.OperationName == "code.learning.canary_judge" && (string?)a.GetTagItem("code.canary.verdict") == judgment.Verdict.ToString());
        }
    }
}
