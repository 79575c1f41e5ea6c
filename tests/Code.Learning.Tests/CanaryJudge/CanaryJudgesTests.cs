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
            new CanaryMetricSamples(new CanaryMetricConfig("a"), CanaryData.Normal(random, 80, 10, 1), CanaryData.Normal(random, 80, 10, 1)),
            new CanaryMetricSamples(new CanaryMetricConfig("b"), CanaryData.Normal(random, 80, 10, 1), CanaryData.Normal(random, 80, 10, 1)),
            new CanaryMetricSamples(new CanaryMetricConfig("c"), CanaryData.Normal(random, 80, 10, 1), CanaryData.Normal(random, 80, 14, 1)),
        ]));

        Assert.Equal(200.0 / 3, judgment.Score, 9);
        Assert.Equal(CanaryVerdict.Marginal, judgment.Verdict);
        Assert.Throws<ArgumentOutOfRangeException>(() => CanaryJudges.Create(new CanaryJudgeOptions { PassThreshold = 50, MarginalThreshold = 60 }));
    }
}
