using Code.Learning.Bandits;

namespace Code.Learning.Adaptation;

/// <summary>
/// Chooses operating parameters (canary step weights, analysis length, batch sizes ...) with a bandit
/// and learns from the reward of each choice. Every combination of candidate values is an arm; every
/// value handed out is one of the host's candidates and therefore inside the host's bounds.
/// </summary>
/// <remarks>Thread-safe (the bandit serializes its calls).</remarks>
public sealed class AdaptivePolicy
{
    private const int MaxArms = 10_000;
    private readonly ParameterRange[] _parameters;
    private readonly int[] _radix;
    private volatile IBanditPolicy _bandit;
    private long _rewards;

    /// <summary>Initializes a new instance of the <see cref="AdaptivePolicy"/> class.</summary>
    /// <param name="name">The policy name, for example <c>canary-steps/checkout</c>.</param>
    /// <param name="parameters">The parameters, with unique names; the product of their candidate counts is at most 10000.</param>
    /// <param name="bandit">
    /// The bandit over the combinations, with that many arms; by default epsilon-greedy with
    /// <paramref name="explorationRate"/> (<c>learning.exploration_rate</c>).
    /// </param>
    /// <param name="explorationRate">The exploration rate of the default bandit.</param>
    /// <param name="seed">The seed of the default bandit.</param>
    public AdaptivePolicy(string name, IReadOnlyList<ParameterRange> parameters, IBanditPolicy? bandit = null, double explorationRate = 0.1, int seed = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException($"Adaptive policy '{name}' needs at least one parameter.", nameof(parameters));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        long arms = 1;
        foreach (var parameter in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter);
            if (!names.Add(parameter.Name))
            {
                throw new ArgumentException($"Adaptive policy '{name}' lists parameter '{parameter.Name}' twice.", nameof(parameters));
            }

            arms *= parameter.Candidates.Count;
            if (arms > MaxArms)
            {
                throw new ArgumentException($"Adaptive policy '{name}' has more than {MaxArms} combinations of candidate values; use fewer candidates.", nameof(parameters));
            }
        }

        Name = name;
        _parameters = [.. parameters];
        _radix = _parameters.Select(p => p.Candidates.Count).ToArray();
        _bandit = bandit ?? BanditPolicy.EpsilonGreedy((int)arms, explorationRate, seed: seed);
        if (_bandit.ArmCount != arms)
        {
            throw new ArgumentException($"Adaptive policy '{name}' has {arms} combinations but the bandit has {_bandit.ArmCount} arms.", nameof(bandit));
        }
    }

    /// <summary>Gets the policy name.</summary>
    public string Name { get; }

    /// <summary>Gets the parameters and their bounds.</summary>
    public IReadOnlyList<ParameterRange> Parameters => _parameters;

    /// <summary>
    /// Gets the bandit behind the policy (for checkpoints and off-policy evaluation). When the adaptation
    /// engine adopts a rollback of the policy's checkpoint it replaces the bandit, so read this property
    /// when needed rather than keeping the instance.
    /// </summary>
    public IBanditPolicy Bandit => _bandit;

    /// <summary>Chooses parameter values.</summary>
    /// <param name="context">The context for a contextual bandit; empty otherwise.</param>
    /// <returns>The values, each inside its bounds.</returns>
    public ParameterChoice Choose(ReadOnlySpan<double> context = default)
    {
        var decision = _bandit.Choose(context);
        return new ParameterChoice(decision.Arm, ValuesOf(decision.Arm), decision.Propensity);
    }

    /// <summary>Learns the reward a choice earned (for example 1 for a clean rollout, minus the minutes it took).</summary>
    /// <param name="choice">The choice made by this policy.</param>
    /// <param name="reward">The reward, finite.</param>
    /// <param name="context">The context the choice was made in.</param>
    public void Reward(ParameterChoice choice, double reward, ReadOnlySpan<double> context = default)
    {
        ArgumentNullException.ThrowIfNull(choice);
        _bandit.Update(choice.Arm, context, reward);
        Interlocked.Increment(ref _rewards);
    }

    /// <summary>Gets the number of rewards learned (the engine checkpoints a policy when it changed).</summary>
    internal long RewardCount => Interlocked.Read(ref _rewards);

    /// <summary>Replaces the bandit with one restored from a checkpoint of the same parameters.</summary>
    internal void ReplaceBandit(IBanditPolicy bandit)
    {
        if (bandit.ArmCount != _bandit.ArmCount)
        {
            throw new ArgumentException($"Adaptive policy '{Name}' has {_bandit.ArmCount} arms; the replacement bandit has {bandit.ArmCount}.", nameof(bandit));
        }

        _bandit = bandit;
    }

    /// <summary>Whether <paramref name="parameters"/> describe the same arms as this policy's.</summary>
    internal bool HasSameParameters(IReadOnlyList<ParameterRange> parameters) => SameParameters(_parameters, parameters);

    /// <summary>Whether two parameter lists define the same arms: names, bounds and candidate values, in order.</summary>
    internal static bool SameParameters(IReadOnlyList<ParameterRange> first, IReadOnlyList<ParameterRange> second) =>
        first.Count == second.Count &&
        first.Zip(second).All(p => p.First.Name == p.Second.Name && p.First.Minimum == p.Second.Minimum &&
            p.First.Maximum == p.Second.Maximum && p.First.Candidates.SequenceEqual(p.Second.Candidates));

    /// <summary>Gets the parameter values of an arm.</summary>
    /// <param name="arm">The arm.</param>
    /// <returns>The values.</returns>
    public IReadOnlyDictionary<string, double> ValuesOf(int arm)
    {
        if ((uint)arm >= (uint)Bandit.ArmCount)
        {
            throw new ArgumentOutOfRangeException(nameof(arm), arm, $"Policy '{Name}' has arms 0 to {Bandit.ArmCount - 1}.");
        }

        var values = new Dictionary<string, double>(_parameters.Length, StringComparer.Ordinal);
        var rest = arm;
        for (var i = _parameters.Length - 1; i >= 0; i--)
        {
            var parameter = _parameters[i];
            var value = parameter.Candidates[rest % _radix[i]];
            rest /= _radix[i];

            // The candidates were checked against the bounds; clamp anyway so no value can ever leave them.
            values[parameter.Name] = Math.Clamp(value, parameter.Minimum, parameter.Maximum);
        }

        return values;
    }
}
