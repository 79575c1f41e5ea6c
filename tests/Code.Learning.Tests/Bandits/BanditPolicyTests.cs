using Code.Learning.Bandits;

namespace Code.Learning.Tests.Bandits;

public class BanditPolicyTests
{
    private static readonly double[] Means = [0.2, 0.3, 0.4, 0.5, 0.6];

    public static TheoryData<string> StochasticPolicies => ["thompson-bernoulli", "thompson-gaussian", "epsilon-greedy-decaying"];

    private static IBanditPolicy Create(string name) => name switch
    {
        "thompson-bernoulli" => BanditPolicy.BernoulliThompson(5, seed: 1),
        "thompson-gaussian" => BanditPolicy.GaussianThompson(5, priorMean: 0.5, priorVariance: 0.25, seed: 1),
        _ => BanditPolicy.EpsilonGreedy(5, epsilon: 0.5, decaySteps: 50, seed: 1),
    };

    [Theory]
    [MemberData(nameof(StochasticPolicies))]
    public void Regret_is_sublinear_and_far_below_uniform_random(string name)
    {
        const int Steps = 20_000;
        var regret = BanditSimulation.Bernoulli(Create(name), Means, Steps, seed: 2);
        var uniform = BanditSimulation.Bernoulli(BanditPolicy.EpsilonGreedy(5, epsilon: 1, seed: 3), Means, Steps, seed: 2);

        // Linear regret would quadruple from T/4 to T; the policies' grows far less.
        var early = regret[(Steps / 4) - 1];
        var final = regret[^1];
        Assert.True(final < 2.0 * early, $"{name}: regret {early:F1} at T/4, {final:F1} at T");
        Assert.True(final < 0.1 * uniform[^1], $"{name}: regret {final:F1} vs uniform {uniform[^1]:F1}");
    }

    [Fact]
    public void LinUcb_regret_is_sublinear_and_far_below_uniform_random()
    {
        var random = new Random(4);
        var theta = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 4).Select(_ => (random.NextDouble() * 2) - 1).ToArray()).ToArray();
        const int Steps = 8000;
        var regret = BanditSimulation.Linear(BanditPolicy.LinUcb(4, 4, alpha: 0.5, exploration: 0, seed: 5), theta, Steps, seed: 6);
        var uniform = BanditSimulation.Linear(BanditPolicy.EpsilonGreedy(4, epsilon: 1, seed: 7), theta, Steps, seed: 6);
        Assert.True(regret[^1] < 2.0 * regret[(Steps / 4) - 1], $"regret {regret[(Steps / 4) - 1]:F1} at T/4, {regret[^1]:F1} at T");
        Assert.True(regret[^1] < 0.05 * uniform[^1], $"regret {regret[^1]:F1} vs uniform {uniform[^1]:F1}");
    }

    [Fact]
    public void Fixed_epsilon_greedy_beats_uniform_random()
    {
        var regret = BanditSimulation.Bernoulli(BanditPolicy.EpsilonGreedy(5, epsilon: 0.1, seed: 8), Means, 10_000, seed: 9);
        var uniform = BanditSimulation.Bernoulli(BanditPolicy.EpsilonGreedy(5, epsilon: 1, seed: 8), Means, 10_000, seed: 9);
        Assert.True(regret[^1] < 0.3 * uniform[^1], $"regret {regret[^1]:F1} vs uniform {uniform[^1]:F1}");
    }

    [Fact]
    public void Epsilon_greedy_propensities_are_exact()
    {
        var policy = BanditPolicy.EpsilonGreedy(3, epsilon: 0.3, seed: 1);
        Assert.Equal(1.0 / 3, policy.GetProbability([], 0), 12); // three-way tie
        policy.Update(2, [], 1);
        Assert.Equal(0.8, policy.GetProbability([], 2), 12);
        Assert.Equal(0.1, policy.GetProbability([], 0), 12);
        var decision = policy.Choose([]);
        Assert.Equal(decision.Arm == 2 ? 0.8 : 0.1, decision.Propensity, 12);
    }

    [Fact]
    public void LinUcb_matches_a_hand_computed_ridge_update()
    {
        // One arm, d = 1: A = 1 + x^2 = 5, b = r x = 6, theta = 1.2; UCB at x = 1: 1.2 + 1 * sqrt(1/5).
        var policy = BanditPolicy.LinUcb(2, 1, alpha: 1, exploration: 0, seed: 1);
        policy.Update(0, [2.0], 3.0);
        var decision = policy.Choose([1.0]);
        Assert.Equal(0, decision.Arm);
        Assert.Equal(1, decision.Propensity);
        Assert.Equal(1, policy.GetProbability([1.0], 0));
        Assert.Equal(0, policy.GetProbability([1.0], 1));
        var restored = BanditPolicy.Deserialize(policy.Serialize());
        policy.Update(1, [1.0], 2.0); // arm 1: A = 2, b = 2, theta = 1, UCB 1 + sqrt(1/2) = 1.707 > 1.2 + sqrt(0.2) = 1.647
        Assert.Equal(1, policy.Choose([1.0]).Arm);
        Assert.Equal(0, restored.Choose([1.0]).Arm);
    }

    [Fact]
    public void Thompson_propensity_estimates_follow_the_posterior()
    {
        var policy = BanditPolicy.BernoulliThompson(2, seed: 3);
        for (var i = 0; i < 200; i++)
        {
            policy.Update(0, [], 1);
            policy.Update(1, [], 0);
        }

        Assert.True(policy.GetProbability([], 0) > 0.99);
        var decision = policy.Choose([]);
        Assert.Equal(0, decision.Arm);
        Assert.True(decision.Propensity > 0.99);
    }

    [Fact]
    public void Serialization_round_trip_keeps_the_learned_state()
    {
        foreach (var policy in new[] { BanditPolicy.EpsilonGreedy(4, seed: 1), BanditPolicy.BernoulliThompson(4, seed: 1), BanditPolicy.GaussianThompson(4, seed: 1), BanditPolicy.LinUcb(4, 3, seed: 1) })
        {
            var random = new Random(2);
            var context = new double[policy.ContextDimension];
            for (var t = 0; t < 300; t++)
            {
                for (var i = 0; i < context.Length; i++)
                {
                    context[i] = random.NextDouble();
                }

                policy.Update(random.Next(4), context, random.NextDouble());
            }

            var bytes = policy.Serialize();
            var restored = BanditPolicy.Deserialize(bytes);
            Assert.Equal(policy.ModelType, restored.ModelType);
            Assert.Equal(bytes, restored.Serialize());
            Assert.Throws<InvalidDataException>(() => BanditPolicy.Deserialize(bytes.AsSpan(0, bytes.Length - 1)));
        }

        Assert.Throws<InvalidDataException>(() => BanditPolicy.Deserialize([0, 1, 2]));
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_clear_errors()
    {
        var linUcb = BanditPolicy.LinUcb(3, 2);
        var context = Assert.Throws<ArgumentException>(() => linUcb.Choose([1.0]));
        Assert.Contains("needs 2", context.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => linUcb.Update(0, [1.0, double.NaN], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => linUcb.Update(3, [1.0, 1.0], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BanditPolicy.EpsilonGreedy(2).Update(0, [], double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => BanditPolicy.BernoulliThompson(2).Update(0, [], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => BanditPolicy.EpsilonGreedy(0));
    }

    [Fact]
    public void LinUcb_logs_propensities_usable_for_off_policy_evaluation()
    {
        // Three arms whose expected reward depends on the context; LinUCB (default settings) logs 20,000 decisions.
        double[][] theta = [[0.5, 0.2, -0.1], [0.4, -0.3, 0.3], [0.6, 0.1, 0.1]];
        var policy = BanditPolicy.LinUcb(3, 3, seed: 2);
        var random = new Random(3);
        var log = new List<LoggedDecision>();
        var truth = 0.0;
        for (var t = 0; t < 20_000; t++)
        {
            double[] x = [1, (random.NextDouble() * 2) - 1, (random.NextDouble() * 2) - 1];
            var decision = policy.Choose(x);
            Assert.InRange(decision.Propensity, 0.05 / 3, 1 - 0.05 + (0.05 / 3) + 1e-12);
            var sum = 0.0;
            for (var arm = 0; arm < 3; arm++)
            {
                sum += policy.GetProbability(x, arm);
            }

            Assert.Equal(1, sum, 12);
            var reward = BanditSimulation.Dot(theta[decision.Arm], x) + (0.1 * BanditSimulation.Normal(random));
            log.Add(new LoggedDecision(x, decision.Arm, decision.Propensity, reward));
            policy.Update(decision.Arm, x, reward);
            truth += BanditSimulation.Dot(theta[1], x);
        }

        // The target always plays arm 1, which LinUCB rarely chooses: only the exploration makes it estimable.
        var target = BanditPolicy.EpsilonGreedy(3, epsilon: 0, seed: 4);
        target.Update(1, [], 1);
        var estimate = OffPolicyEvaluator.Evaluate(target, log);
        truth /= log.Count;
        Assert.InRange(estimate.Value, truth - (3 * estimate.StandardError), truth + (3 * estimate.StandardError));
        Assert.True(estimate.StandardError < 0.05, $"standard error {estimate.StandardError}");
    }

    [Fact]
    public void LinUcb_state_is_bounded_and_sized_in_64_bits()
    {
        // 256 arms of 1024 x 1024 matrices would be 2 GiB of state and overflow a 32-bit serialized size.
        var huge = Assert.Throws<ArgumentOutOfRangeException>(() => BanditPolicy.LinUcb(256, 1024));
        Assert.Contains("arms", huge.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => BanditPolicy.LinUcb(10_000, 64));

        // A header that claims such a policy is rejected before anything is allocated.
        var small = BanditPolicy.LinUcb(2, 2).Serialize();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(small.AsSpan(8), 256);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(small.AsSpan(12), 1024);
        Assert.Throws<InvalidDataException>(() => BanditPolicy.Deserialize(small));
    }

    [Fact]
    public void LinUcb_checkpoints_written_before_exploration_still_load()
    {
        // Kind 4 held alpha and the matrices, without the exploration field: it reads as exploration 0.
        var policy = BanditPolicy.LinUcb(2, 1, alpha: 1, exploration: 0.2, seed: 1);
        policy.Update(0, [2.0], 3.0);
        var current = policy.Serialize();
        Assert.Equal(5, current[5]);
        var legacy = new byte[current.Length - 8];
        current.AsSpan(0, 24).CopyTo(legacy);
        current.AsSpan(32).CopyTo(legacy.AsSpan(24));
        legacy[5] = 4;
        var restored = BanditPolicy.Deserialize(legacy);
        Assert.Equal(1, restored.GetProbability([1.0], 0));
        Assert.Equal(0.9, policy.GetProbability([1.0], 0), 12);
    }
}
