using Code.Learning.Bandits;
using Code.Learning.Statistics;

namespace Code.Learning.Tests.Bandits;

/// <summary>Thompson sampling's propensities are the probabilities that each arm's draw is the largest.</summary>
public class ThompsonPropensityTests
{
    private static readonly double[] LogFactorial = BuildLogFactorials(40_000);

    [Theory]
    [InlineData(12, 30, 20, 25)] // Beta(13, 31) against Beta(21, 26)
    [InlineData(0, 0, 3, 1)] // the prior against Beta(4, 2)
    [InlineData(3000, 7000, 3100, 6900)] // large counts, close means
    [InlineData(40, 60, 5, 5)] // a narrow posterior against a wide one
    public void Two_Bernoulli_arms_match_the_closed_form(int successesA, int failuresA, int successesB, int failuresB)
    {
        var policy = BanditPolicy.BernoulliThompson(2, seed: 1);
        Feed(policy, 0, successesA, failuresA);
        Feed(policy, 1, successesB, failuresB);

        var exact = ProbabilityBGreater(successesA + 1, failuresA + 1, successesB + 1, failuresB + 1);
        Assert.Equal(exact, policy.GetProbability([], 1), 1e-9);
        Assert.Equal(1 - exact, policy.GetProbability([], 0), 1e-9);
    }

    [Fact]
    public void Random_two_arm_posteriors_match_the_closed_form()
    {
        // 100 random pairs of posteriors from the prior to 10,000 rewards an arm: absolute error below 5e-9,
        // relative error below 1e-4 for every probability of at least 1e-6 (an IPS weight that far off
        // would be off by 0.01 %).
        var random = new Random(8);
        foreach (var scale in new[] { 1, 10, 100, 1000, 10_000 })
        {
            for (var trial = 0; trial < 20; trial++)
            {
                int a = random.Next(scale + 1), b = random.Next(scale + 1), c = random.Next(Math.Min(scale, 3000) + 1), d = random.Next(scale + 1);
                var policy = BanditPolicy.BernoulliThompson(2, seed: 1);
                Feed(policy, 0, a, b);
                Feed(policy, 1, c, d);
                var exact = ProbabilityBGreater(a + 1, b + 1, c + 1, d + 1);
                foreach (var (arm, expected) in new[] { (1, exact), (0, 1 - exact) })
                {
                    var actual = policy.GetProbability([], arm);
                    Assert.True(Math.Abs(actual - expected) < 5e-9, $"Beta({a + 1}, {b + 1}) vs Beta({c + 1}, {d + 1}), arm {arm}: {actual} against {expected}");
                    Assert.True(expected < 1e-6 || Math.Abs(actual - expected) < 1e-4 * expected, $"Beta({a + 1}, {b + 1}) vs Beta({c + 1}, {d + 1}), arm {arm}: {actual} against {expected}");
                }
            }
        }
    }

    [Fact]
    public void Gaussian_arms_match_a_reference_integral()
    {
        var policy = BanditPolicy.GaussianThompson(4, priorMean: 0.5, priorVariance: 0.25, seed: 1);
        double[][] rewards = [[0.2, 0.5, 0.4, 0.6, 0.3], [0.7, 0.5, 0.6], [0.45, 0.55, 0.5, 0.52, 0.48, 0.5, 0.51, 0.49], []];
        var means = new double[4];
        var deviations = new double[4];
        for (var arm = 0; arm < 4; arm++)
        {
            foreach (var reward in rewards[arm])
            {
                policy.Update(arm, [], reward);
            }

            // The posterior the policy documents: N(mean, (sum of squares + prior variance) / n / (n + 1)), the prior when unplayed.
            var n = rewards[arm].Length;
            means[arm] = n == 0 ? 0.5 : rewards[arm].Average();
            deviations[arm] = n == 0 ? 0.5 : Math.Sqrt((rewards[arm].Sum(r => (r - means[arm]) * (r - means[arm])) + 0.25) / n / (n + 1));
        }

        var reference = ReferenceNormalArgmax(means, deviations);
        for (var arm = 0; arm < 4; arm++)
        {
            Assert.Equal(reference[arm], policy.GetProbability([], arm), 6);
        }
    }

    [Fact]
    public void Propensities_sum_to_one_and_are_what_choose_reports()
    {
        var random = new Random(7);
        foreach (var policy in new[] { BanditPolicy.BernoulliThompson(6, seed: 2), BanditPolicy.GaussianThompson(6, seed: 2) })
        {
            for (var t = 0; t < 300; t++)
            {
                var arm = random.Next(6);
                policy.Update(arm, [], random.NextDouble() < 0.2 + (0.1 * arm) ? 1 : 0);
            }

            var sum = 0.0;
            var probabilities = new double[6];
            for (var arm = 0; arm < 6; arm++)
            {
                probabilities[arm] = policy.GetProbability([], arm);
                sum += probabilities[arm];
            }

            Assert.Equal(1, sum, 12);
            for (var i = 0; i < 20; i++)
            {
                var decision = policy.Choose([]);
                Assert.Equal(probabilities[decision.Arm], decision.Propensity);
            }
        }
    }

    [Fact]
    public void Choices_follow_the_propensities()
    {
        // A frozen posterior with a clear favourite, a runner-up, a long shot and a wide unplayed arm.
        var policy = BanditPolicy.BernoulliThompson(4, seed: 3);
        Feed(policy, 0, 60, 40);
        Feed(policy, 1, 52, 48);
        Feed(policy, 2, 10, 20);
        AssertChoicesFollowPropensities(policy);

        // Jeffreys' prior Beta(0.5, 0.5), whose density is unbounded at 0 and 1: an unplayed arm, an arm
        // with three successes (Beta(3.5, 0.5)) and one with one success in four.
        var jeffreys = BanditPolicy.BernoulliThompson(3, priorAlpha: 0.5, priorBeta: 0.5, seed: 4);
        Feed(jeffreys, 1, 3, 0);
        Feed(jeffreys, 2, 1, 3);
        AssertChoicesFollowPropensities(jeffreys);
    }

    [Fact]
    public void Off_policy_evaluation_of_a_Thompson_log_is_unbiased()
    {
        // Non-uniform logging: a frozen Thompson policy plays arm 2 (the best) only about one time in
        // twelve. The target always plays arm 2, so every IPS weight rests on that small propensity.
        double[] means = [0.5, 0.55, 0.7];
        var logging = BanditPolicy.BernoulliThompson(3, seed: 4);
        Feed(logging, 0, 30, 30);
        Feed(logging, 1, 27, 27);
        Feed(logging, 2, 8, 12);
        Assert.InRange(logging.GetProbability([], 2), 0.03, 0.15);

        var random = new Random(5);
        var log = new List<LoggedDecision>();
        for (var i = 0; i < 40_000; i++)
        {
            var decision = logging.Choose([]);
            log.Add(new LoggedDecision(ReadOnlyMemory<double>.Empty, decision.Arm, decision.Propensity, random.NextDouble() < means[decision.Arm] ? 1 : 0));
        }

        var target = BanditPolicy.EpsilonGreedy(3, epsilon: 0, seed: 6);
        target.Update(2, [], 1);
        var estimate = OffPolicyEvaluator.Evaluate(target, log);
        Assert.InRange(estimate.Value, 0.7 - (3 * estimate.StandardError), 0.7 + (3 * estimate.StandardError));
        Assert.True(estimate.StandardError < 0.02, $"standard error {estimate.StandardError}");
    }

    private static void AssertChoicesFollowPropensities(IBanditPolicy policy)
    {
        const int Draws = 100_000;
        var counts = new int[policy.ArmCount];
        for (var i = 0; i < Draws; i++)
        {
            counts[policy.Choose([]).Arm]++;
        }

        var sum = 0.0;
        for (var arm = 0; arm < policy.ArmCount; arm++)
        {
            var p = policy.GetProbability([], arm);
            var error = Math.Sqrt(p * (1 - p) / Draws);
            Assert.InRange(counts[arm] / (double)Draws, p - (4.5 * error) - 1e-9, p + (4.5 * error) + 1e-9);
            sum += p;
        }

        Assert.Equal(1, sum, 12);
    }

    private static void Feed(IBanditPolicy policy, int arm, int successes, int failures)
    {
        for (var i = 0; i < successes; i++)
        {
            policy.Update(arm, [], 1);
        }

        for (var i = 0; i < failures; i++)
        {
            policy.Update(arm, [], 0);
        }
    }

    /// <summary>P(X_B &gt; X_A) for X_A ~ Beta(a, b), X_B ~ Beta(c, d) with integer c (Evan Miller's sum).</summary>
    private static double ProbabilityBGreater(int a, int b, int c, int d)
    {
        var total = 0.0;
        for (var i = 0; i < c; i++)
        {
            total += Math.Exp(LogBeta(a + i, b + d) - Math.Log(d + i) - LogBeta(1 + i, d) - LogBeta(a, b));
        }

        return total;
    }

    private static double LogBeta(int a, int b) => LogFactorial[a - 1] + LogFactorial[b - 1] - LogFactorial[a + b - 1];

    private static double[] BuildLogFactorials(int n)
    {
        var table = new double[n + 1];
        for (var k = 2; k <= n; k++)
        {
            table[k] = table[k - 1] + Math.Log(k);
        }

        return table;
    }

    /// <summary>∫ f_a Π F_b by Simpson's rule on 60,001 points (with the library's normal CDF, accurate to about 1e-7).</summary>
    private static double[] ReferenceNormalArgmax(double[] means, double[] deviations)
    {
        var low = Enumerable.Range(0, means.Length).Min(i => means[i] - (12 * deviations[i]));
        var high = Enumerable.Range(0, means.Length).Max(i => means[i] + (12 * deviations[i]));
        const int Intervals = 60_000;
        var h = (high - low) / Intervals;
        var result = new double[means.Length];
        for (var k = 0; k <= Intervals; k++)
        {
            var x = low + (k * h);
            var weight = (k == 0 || k == Intervals ? 1 : k % 2 == 1 ? 4 : 2) * h / 3;
            for (var a = 0; a < means.Length; a++)
            {
                var z = (x - means[a]) / deviations[a];
                var value = Math.Exp(-0.5 * z * z) / (deviations[a] * Math.Sqrt(2 * Math.PI));
                for (var b = 0; b < means.Length; b++)
                {
                    if (b != a)
                    {
                        value *= NormalDistribution.Cdf((x - means[b]) / deviations[b]);
                    }
                }

                result[a] += weight * value;
            }
        }

        return result;
    }
}
