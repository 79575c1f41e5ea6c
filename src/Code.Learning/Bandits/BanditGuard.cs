namespace Code.Learning.Bandits;

/// <summary>Argument checks shared by the bandit policies.</summary>
internal static class BanditGuard
{
    public const int MaxArms = 10_000;
    public const int MaxDimension = 1024;

    /// <summary>The largest context value accepted: contexts are features, scale them (for example to [-10, 10]).</summary>
    public const double MaxContextMagnitude = 1e9;

    /// <summary>The largest reward magnitude accepted, far from where sums and squares of rewards overflow.</summary>
    public const double MaxRewardMagnitude = 1e12;

    public static void ArmCount(int armCount)
    {
        if (armCount is < 1 or > MaxArms)
        {
            throw new ArgumentOutOfRangeException(nameof(armCount), armCount, $"A bandit needs between 1 and {MaxArms} arms.");
        }
    }

    public static void Arm(int arm, int armCount)
    {
        if ((uint)arm >= (uint)armCount)
        {
            throw new ArgumentOutOfRangeException(nameof(arm), arm, $"The arm must be between 0 and {armCount - 1}.");
        }
    }

    public static void Reward(double reward)
    {
        if (!(Math.Abs(reward) <= MaxRewardMagnitude))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, $"A bandit reward must be a finite number between -{MaxRewardMagnitude:G} and {MaxRewardMagnitude:G}.");
        }
    }

    public static void Context(ReadOnlySpan<double> context, int dimension)
    {
        if (dimension == 0)
        {
            return;
        }

        if (context.Length != dimension)
        {
            throw new ArgumentException($"The context has {context.Length} values; this policy needs {dimension}.", nameof(context));
        }

        for (var i = 0; i < context.Length; i++)
        {
            if (!(Math.Abs(context[i]) <= MaxContextMagnitude))
            {
                throw new ArgumentException($"Context value {i} is {context[i]}; context values must be finite numbers between -{MaxContextMagnitude:G} and {MaxContextMagnitude:G} (scale them).", nameof(context));
            }
        }
    }
}
