namespace Code.Learning.Bandits;

/// <summary>
/// Thompson sampling: draw one plausible mean reward per arm from its posterior and play the best draw.
/// The propensity of an arm is the probability that its draw is the largest, integrated numerically
/// (<see cref="ArgmaxProbabilities"/>) once per posterior state and reused until the next update.
/// </summary>
internal abstract class ThompsonSamplingPolicy : IBanditPolicy
{
    /// <summary>The least propensity reported for a drawn arm: arms below it are outside the integration and cannot practically be drawn.</summary>
    internal const double MinimumPropensity = 1e-15;

    private readonly double[] _propensities;
    private bool _stale = true;

    protected ThompsonSamplingPolicy(int armCount, int seed)
    {
        BanditGuard.ArmCount(armCount);
        ArmCount = armCount;
        Random = new Random(seed);
        _propensities = new double[armCount];
        Integrator = new ArgmaxProbabilities(armCount);
    }

    public int ArmCount { get; }

    public int ContextDimension => 0;

    public abstract string ModelType { get; }

    protected Lock Sync { get; } = new();

    protected Random Random { get; }

    protected ArgmaxProbabilities Integrator { get; }

    public BanditDecision Choose(ReadOnlySpan<double> context)
    {
        lock (Sync)
        {
            var arm = Draw();
            return new BanditDecision(arm, Math.Max(MinimumPropensity, Propensities()[arm]));
        }
    }

    public void Update(int arm, ReadOnlySpan<double> context, double reward)
    {
        BanditGuard.Arm(arm, ArmCount);
        BanditGuard.Reward(reward);
        lock (Sync)
        {
            Observe(arm, reward);
            _stale = true;
        }
    }

    public double GetProbability(ReadOnlySpan<double> context, int arm)
    {
        BanditGuard.Arm(arm, ArmCount);
        lock (Sync)
        {
            return Propensities()[arm];
        }
    }

    public abstract byte[] Serialize();

    protected abstract double Sample(int arm);

    /// <summary>Learns a reward; throws before changing anything when the reward is invalid.</summary>
    protected abstract void Observe(int arm, double reward);

    /// <summary>Fills the probability that each arm's posterior draw is the largest.</summary>
    protected abstract void ComputePropensities(Span<double> propensities);

    private ReadOnlySpan<double> Propensities()
    {
        if (_stale)
        {
            ComputePropensities(_propensities);
            _stale = false;
        }

        return _propensities;
    }

    private int Draw()
    {
        var best = 0;
        var bestValue = double.NegativeInfinity;
        for (var a = 0; a < ArmCount; a++)
        {
            var value = Sample(a);
            if (value > bestValue)
            {
                best = a;
                bestValue = value;
            }
        }

        return best;
    }
}
