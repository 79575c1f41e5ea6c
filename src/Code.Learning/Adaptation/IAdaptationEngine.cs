namespace Code.Learning.Adaptation;

/// <summary>
/// The host's named adaptive policies and A/B tests. Policies use <c>learning.exploration_rate</c>, are
/// checkpointed by the learning loop to the model registry (model id <c>adaptation.{name}</c>, with their
/// parameter definition) and are restored from there when first asked for after a restart; a rollback of
/// that model is adopted at the next checkpoint. A/B test statistics live in memory.
/// </summary>
public interface IAdaptationEngine
{
    /// <summary>Gets every policy created so far.</summary>
    IReadOnlyCollection<AdaptivePolicy> Policies { get; }

    /// <summary>Gets the policy named <paramref name="name"/>, creating it (or restoring its last checkpoint) on first use.</summary>
    /// <param name="name">The policy name: 1-100 letters, digits, '.', '_' or '-' (for example <c>canary-steps.checkout</c>).</param>
    /// <param name="parameters">The parameters and the host's bounds; must match the existing policy's.</param>
    /// <param name="cancellationToken">Cancels the registry read.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException">
    /// The name is invalid, or the policy exists (in memory, or as the newest intact checkpoint) with other
    /// parameters, bounds or candidate values.
    /// </exception>
    ValueTask<AdaptivePolicy> GetOrAddPolicyAsync(string name, IReadOnlyList<ParameterRange> parameters, CancellationToken cancellationToken = default);

    /// <summary>Gets the A/B test named <paramref name="name"/>, creating it on first use.</summary>
    /// <param name="name">The test name (also part of the assignment hash).</param>
    /// <param name="variants">The variants; the first is the control.</param>
    /// <param name="options">Significance and stop-rule settings (defaults when <see langword="null"/>).</param>
    /// <returns>The test.</returns>
    /// <exception cref="ArgumentException">A test of this name exists with other variants, weights or options.</exception>
    AbTest GetOrAddAbTest(string name, IReadOnlyList<AbVariant> variants, AbTestOptions? options = null);
}
