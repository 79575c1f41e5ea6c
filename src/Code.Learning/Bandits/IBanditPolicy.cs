namespace Code.Learning.Bandits;

/// <summary>An arm chosen by a bandit policy and the probability with which the policy chose it.</summary>
/// <param name="Arm">The chosen arm, 0-based.</param>
/// <param name="Propensity">
/// The probability that the policy chooses this arm in this context: exact for epsilon-greedy and LinUCB,
/// a numerical integral accurate to about 1e-8 for Thompson sampling. Log it with the reward so the
/// decision can be used for off-policy evaluation.
/// </param>
public readonly record struct BanditDecision(int Arm, double Propensity);

/// <summary>
/// A (contextual) multi-armed bandit: chooses one of <see cref="ArmCount"/> arms, learns from the reward,
/// and balances exploring arms with exploiting the best known one.
/// </summary>
/// <remarks>
/// Implementations are thread-safe (calls are serialized internally) and allocation-free on
/// <see cref="Choose"/> and <see cref="Update"/>. Non-contextual policies accept and ignore any context.
/// Create them with <see cref="BanditPolicy"/>.
/// </remarks>
public interface IBanditPolicy
{
    /// <summary>Gets the number of arms.</summary>
    int ArmCount { get; }

    /// <summary>Gets the length of the context vector the policy needs (0 when it uses none).</summary>
    int ContextDimension { get; }

    /// <summary>Gets the model type written to the model registry (for example <c>bandit-linucb</c>).</summary>
    string ModelType { get; }

    /// <summary>Chooses an arm.</summary>
    /// <param name="context">The context, of length <see cref="ContextDimension"/> (empty for non-contextual policies).</param>
    /// <returns>The arm and its propensity.</returns>
    /// <exception cref="ArgumentException">The context has the wrong length or a non-finite value.</exception>
    BanditDecision Choose(ReadOnlySpan<double> context);

    /// <summary>Learns the reward an arm earned in a context.</summary>
    /// <param name="arm">The arm played.</param>
    /// <param name="context">The context it was played in.</param>
    /// <param name="reward">The reward, finite (in [0, 1] for Bernoulli Thompson sampling).</param>
    /// <exception cref="ArgumentException">The arm, context or reward is invalid.</exception>
    void Update(int arm, ReadOnlySpan<double> context, double reward);

    /// <summary>Gets the probability that this policy, in its current state, chooses <paramref name="arm"/> in <paramref name="context"/>.</summary>
    /// <param name="context">The context.</param>
    /// <param name="arm">The arm.</param>
    /// <returns>The probability, in [0, 1].</returns>
    double GetProbability(ReadOnlySpan<double> context, int arm);

    /// <summary>Serializes the learned state (not the random generator's position).</summary>
    /// <returns>Bytes readable by <see cref="BanditPolicy.Deserialize"/>.</returns>
    byte[] Serialize();
}
