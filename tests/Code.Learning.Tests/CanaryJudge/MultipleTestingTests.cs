using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Issue 10: up to 1000 metrics were each tested at α, so noise failed almost every large analysis.</summary>
public class MultipleTestingTests
{
    private static List<CanaryMetricSamples> NoiseMetrics(Random random, int count, int shifted = 0) =>
        [.. Enumerable.Range(0, count).Select(i => new CanaryMetricSamples(
            new CanaryMetricConfig("m" + i) { Tolerance = 0 },
            CanaryData.Normal(random, 40, 10, 1),
            CanaryData.Normal(random, 40, i < shifted ? 11 : 10, 1)))];

    [Fact]
    public void Holm_keeps_the_chance_of_any_false_failure_near_alpha()
    {
        // Before: 50 of 50 analyses of 200 noise metrics had a false failure.
        var judge = CanaryJudges.Create();
        var random = new Random(8);
        var withFailure = 0;
        for (var r = 0; r < 50; r++)
        {
            withFailure += judge.Judge(new CanaryJudgeRequest(NoiseMetrics(random, 200))).Metrics.Any(m => m.Failed) ? 1 : 0;
        }

        Assert.True(withFailure <= 3, $"{withFailure}/50 analyses with a false failure");
    }

    [Fact]
    public void Without_correction_noise_fails_most_large_analyses()
    {
        var judge = CanaryJudges.Create(new CanaryJudgeOptions { MultipleTesting = CanaryMultipleTesting.None });
        var random = new Random(8);
        var withFailure = 0;
        for (var r = 0; r < 20; r++)
        {
            withFailure += judge.Judge(new CanaryJudgeRequest(NoiseMetrics(random, 200))).Metrics.Any(m => m.Failed) ? 1 : 0;
        }

        Assert.True(withFailure >= 15, $"{withFailure}/20");
    }

    [Fact]
    public void Benjamini_Hochberg_finds_more_real_shifts_than_Holm()
    {
        var random = new Random(9);
        var metrics = NoiseMetrics(random, 200, shifted: 50);
        var holm = CanaryJudges.Create().Judge(new CanaryJudgeRequest(metrics));
        var bh = CanaryJudges.Create(new CanaryJudgeOptions { MultipleTesting = CanaryMultipleTesting.BenjaminiHochberg }).Judge(new CanaryJudgeRequest(metrics));
        var holmFound = holm.Metrics.Take(50).Count(m => m.Failed);
        var bhFound = bh.Metrics.Take(50).Count(m => m.Failed);
        Assert.True(bhFound > holmFound, $"BH {bhFound}, Holm {holmFound}");
        Assert.True(bh.Metrics.Skip(50).Count(m => m.Failed) <= 3);
        Assert.All(bh.Metrics.Where(m => m.Failed), m => Assert.True(m.Confidence < 1));
    }
}
