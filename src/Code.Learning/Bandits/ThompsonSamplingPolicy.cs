namespace Code.Learning.Bandits;

/// <summary>
/// Thompson sampling: draw one plausible mean reward per arm from its posterior and play the best draw.
/// The propensity of the chosen arm is estimated from <c>propensityDraws</c> further posterior draws.
/// </summary>
internal abstract class ThompsonSamplingPolicy : IBanditPolicy
{
    private readonly int _propensityDraws;

    protected ThompsonSamplingPolicy(int armCount, int propensityDraws, int seed)
    {
        BanditGuard.ArmCount(armCount);
        if (propensityDraws is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(propensityDraws), propensityDraws, "Propensity draws must be between 1 and 100000.");
        }

        ArmCount = armCount;
        _propensityDraws = propensityDraws;
        Random = new Random(seed);
    }

    public int ArmCount { get; }

    public int ContextDimension => 0;

    public abstract string ModelType { get; }

    protected Lock Sync { get; } = new();

    protected Random Random { get; }

    public BanditDecision Choose(ReadOnlySpan<double> context)
    {
        lock (Sync)
        {
            var arm = Draw();
            return new BanditDecision(arm, EstimateProbability(arm));
        }
    }

    public void Update(int arm, ReadOnlySpan<double> context, double reward)
    {
        BanditGuard.Arm(arm, ArmCount);
        BanditGuard.Reward(reward);
        lock (Sync)
        {
            Observe(arm, reward);
        }
    }

    public double GetProbability(ReadOnlySpan<double> context, int arm)
    {
        BanditGuard.Arm(arm, ArmCount);
        lock (Sync)
        {
            return EstimateProbability(arm);
        }
    }

    public abstract byte[] Serialize();

    protected abstract double Sample(int arm);

    protected abstract void Observe(int arm, double reward);

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

    private double EstimateProbability(int arm)
    {
        var hits = 0;
        for (var i = 0; i < _propensityDraws; i++)
        {
            if (Draw() == arm)
            {
                hits++;
            }
        }

        // Never report 0 for an arm that was (or could be) chosen: IPS divides by it.
        return Math.Max(hits, 0.5) / _propensityDraws;
    }
}
