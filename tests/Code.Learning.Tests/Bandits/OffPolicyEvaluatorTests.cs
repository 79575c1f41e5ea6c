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
    public void Standard_error_is_accurate_for_large_rewards()
    {
        // Rewards of 1e9 + N(0, 1): the sum-of-squares formula cancels 1e22-sized terms and loses the variance.
        var random = new Random(12);
        var logging = BanditPolicy.EpsilonGreedy(2, epsilon: 1, seed: 13);
        var log = new List<LoggedDecision>();
        var terms = new List<double>();
        for (var i = 0; i < 10_000; i++)
        {
            var decision = logging.Choose([]);
            var reward = 1e9 + BanditSimulation.Normal(random);
            log.Add(new LoggedDecision(ReadOnlyMemory<double>.Empty, decision.Arm, decision.Propensity, reward));
            terms.Add(reward); // the target is the logging policy itself: every weight is 1
        }

        var mean = terms.Average();
        var expected = Math.Sqrt(terms.Sum(t => (t - mean) * (t - mean)) / (terms.Count - 1) / terms.Count);
        var estimate = OffPolicyEvaluator.Evaluate(logging, log);
        Assert.Equal(mean, estimate.Value, 1e-3);
        Assert.Equal(expected, estimate.StandardError, expected * 1e-6);
    }

    [Fact]
    public void Nothing_estimable_is_NaN_not_zero()
    {
        // The target only ever plays arm 1; the log only holds arm 0: no decision carries weight.
        var target = BanditPolicy.EpsilonGreedy(2, epsilon: 0, seed: 1);
        target.Update(1, [], 1);
        var log = Enumerable.Range(0, 10).Select(i => new LoggedDecision(ReadOnlyMemory<double>.Empty, 0, 0.5, i % 2)).ToList();
        var estimate = OffPolicyEvaluator.Evaluate(target, log);
        Assert.True(double.IsNaN(estimate.Value));
        Assert.True(double.IsNaN(estimate.SelfNormalizedValue));
        Assert.True(double.IsNaN(estimate.StandardError));
        Assert.Equal(0, estimate.EffectiveSampleSize);
        Assert.Equal(10, estimate.Decisions);

        // One decision: a value, but no standard error.
        var single = OffPolicyEvaluator.Evaluate(target, [new LoggedDecision(ReadOnlyMemory<double>.Empty, 1, 0.5, 1)]);
        Assert.Equal(2, single.Value);
        Assert.Equal(1, single.SelfNormalizedValue);
        Assert.True(double.IsNaN(single.StandardError));
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
