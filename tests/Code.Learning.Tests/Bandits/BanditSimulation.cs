using Code.Learning.Bandits;

namespace Code.Learning.Tests.Bandits;

/// <summary>Seeded bandit environments that record expected (pseudo-)regret.</summary>
internal static class BanditSimulation
{
    /// <summary>Plays Bernoulli arms; returns cumulative expected regret after each step.</summary>
    public static double[] Bernoulli(IBanditPolicy policy, double[] means, int steps, int seed)
    {
        var random = new Random(seed);
        var best = means.Max();
        var regret = new double[steps];
        var total = 0.0;
        for (var t = 0; t < steps; t++)
        {
            var arm = policy.Choose([]).Arm;
            policy.Update(arm, [], random.NextDouble() < means[arm] ? 1 : 0);
            total += best - means[arm];
            regret[t] = total;
        }

        return regret;
    }

    /// <summary>Plays a linear contextual environment: reward = theta[arm] . x + N(0, 0.1^2).</summary>
    public static double[] Linear(IBanditPolicy policy, double[][] theta, int steps, int seed)
    {
        var random = new Random(seed);
        var d = theta[0].Length;
        var x = new double[d];
        var regret = new double[steps];
        var total = 0.0;
        for (var t = 0; t < steps; t++)
        {
            x[0] = 1;
            for (var i = 1; i < d; i++)
            {
                x[i] = (random.NextDouble() * 2) - 1;
            }

            var expected = theta.Select(th => Dot(th, x)).ToArray();
            var arm = policy.Choose(x).Arm;
            policy.Update(arm, x, expected[arm] + (0.1 * Normal(random)));
            total += expected.Max() - expected[arm];
            regret[t] = total;
        }

        return regret;
    }

    public static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    public static double Normal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
