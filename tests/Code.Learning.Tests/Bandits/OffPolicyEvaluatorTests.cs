using Code.Learning.Bandits;

namespace Code.Learning.Tests.Bandits;

public class OffPolicyEvaluatorTests
{
    [Fact]
    public void IPS_estimates_a_target_policy_from_uniformly_logged_decisions()
    {
        double[] means = [0.2, 0.5, 0.8];
        var random = new Random(10);
        var logging = BanditPolicy.EpsilonGreedy(3, epsilon: 1, seed: 11);
        var log = new List<LoggedDecision>();
        for (var i = 0; i < 30_000; i++)
        {
            var decision = logging.Choose([]);
            var reward = random.NextDouble() < means[decision.Arm] ? 1.0 : 0.0;
            log.Add(new LoggedDecision(ReadOnlyMemory<double>.Empty, decision.Arm, decision.Propensity, reward));
        }

        // Target: epsilon-greedy (0.1) that has learned arm 2 is best: plays it with 0.9 + 0.1/3.
        var target = BanditPolicy.EpsilonGreedy(3, epsilon: 0.1, seed: 12);
        target.Update(2, [], 1);
        var truth = ((0.9 + (0.1 / 3)) * 0.8) + (0.1 / 3 * (0.2 + 0.5));

        var estimate = OffPolicyEvaluator.Evaluate(target, log);
        Assert.Equal(30_000, estimate.Decisions);
        Assert.InRange(estimate.Value, truth - (3 * estimate.StandardError), truth + (3 * estimate.StandardError));
        Assert.InRange(estimate.SelfNormalizedValue, truth - 0.02, truth + 0.02);
        Assert.True(estimate.StandardError < 0.01);
        Assert.InRange(estimate.EffectiveSampleSize, 10_000, 30_000);
    }

    [Fact]
    public void Bad_logs_fail_clearly()
    {
        var policy = BanditPolicy.EpsilonGreedy(2);
        Assert.Throws<ArgumentException>(() => OffPolicyEvaluator.Evaluate(policy, []));
        var zero = Assert.Throws<ArgumentException>(() => OffPolicyEvaluator.Evaluate(policy, [new LoggedDecision(ReadOnlyMemory<double>.Empty, 0, 0, 1)]));
        Assert.Contains("propensity", zero.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OffPolicyEvaluator.Evaluate(policy, [new LoggedDecision(ReadOnlyMemory<double>.Empty, 5, 0.5, 1)]));
    }
}
