using Code.Learning.Adaptation;
using Code.Learning.Bandits;

namespace Code.Learning.Tests.Adaptation;

public class AdaptivePolicyTests
{
    private static ParameterRange[] CanaryParameters() =>
    [
        new ParameterRange("step_weight", 5, 50, [5, 10, 20, 50]),
        ParameterRange.Stepped("analysis_minutes", 1, 10, 3), // 1, 4, 7, 10
    ];

    [Fact]
    public void Learns_the_best_combination_and_never_leaves_the_bounds()
    {
        var policy = new AdaptivePolicy("canary/checkout", CanaryParameters(), explorationRate: 0.1, seed: 3);
        var random = new Random(4);
        var best = 0;
        for (var round = 0; round < 4000; round++)
        {
            var choice = policy.Choose();
            var weight = choice.Values["step_weight"];
            var minutes = choice.Values["analysis_minutes"];
            Assert.InRange(weight, 5, 50);
            Assert.InRange(minutes, 1, 10);

            // Reward: fast rollouts that still catch problems; best at weight 20, 4 minutes.
            var reward = 1 - (Math.Abs(weight - 20) / 50) - (Math.Abs(minutes - 4) / 12) + (0.1 * (random.NextDouble() - 0.5));
            policy.Reward(choice, reward);
            if (round >= 3000 && weight == 20 && minutes == 4)
            {
                best++;
            }
        }

        Assert.True(best > 800, $"best combination chosen {best} of the last 1000 rounds");
    }

    [Fact]
    public void Stepped_range_stays_inside_its_bounds()
    {
        var range = ParameterRange.Stepped("batch", 0.1, 1.0, 0.3);
        Assert.Equal([0.1, 0.4, 0.7, 1.0], range.Candidates.Select(v => Math.Round(v, 9)));
        Assert.All(range.Candidates, v => Assert.InRange(v, 0.1, 1.0));
    }

    [Fact]
    public void Bad_parameters_fail_clearly()
    {
        var outside = Assert.Throws<ArgumentException>(() => new ParameterRange("step_weight", 5, 50, [5, 80]));
        Assert.Contains("candidate 80 is outside", outside.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ParameterRange("w", 10, 5, [7]));
        Assert.Throws<ArgumentException>(() => new ParameterRange("w", 0, 5, []));
        Assert.Throws<ArgumentException>(() => new AdaptivePolicy("p", [new ParameterRange("a", 0, 1, [0]), new ParameterRange("a", 0, 1, [1])]));
        var mismatch = Assert.Throws<ArgumentException>(() => new AdaptivePolicy("p", CanaryParameters(), BanditPolicy.EpsilonGreedy(3)));
        Assert.Contains("16 combinations", mismatch.Message, StringComparison.Ordinal);
    }
}
