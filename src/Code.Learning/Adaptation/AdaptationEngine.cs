using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Code.Learning.Bandits;
using Code.Learning.Registry;

namespace Code.Learning.Adaptation;

/// <summary>
/// The adaptation engine: named policies (epsilon-greedy at the host's exploration rate) checkpointed to and
/// restored from the registry, each checkpoint carrying the policy's parameter definition; and named A/B tests.
/// </summary>
internal sealed partial class AdaptationEngine : IAdaptationEngine, IDisposable
{
    internal const string ModelIdPrefix = "adaptation.";

    private readonly ConcurrentDictionary<string, AdaptivePolicy> _policies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AbTest> _tests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _checkpointed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long?> _current = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private readonly IModelRegistry _registry;
    private readonly double _explorationRate;

    public AdaptationEngine(IModelRegistry registry, double explorationRate)
    {
        _registry = registry;
        _explorationRate = explorationRate;
    }

    public IReadOnlyCollection<AdaptivePolicy> Policies => [.. _policies.Values];

    public void Dispose() => _createGate.Dispose();

    public async ValueTask<AdaptivePolicy> GetOrAddPolicyAsync(string name, IReadOnlyList<ParameterRange> parameters, CancellationToken cancellationToken = default)
    {
        if (name is null || !PolicyName().IsMatch(name))
        {
            throw new ArgumentException($"Policy name '{name}' is invalid: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit.", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(parameters);
        if (_policies.TryGetValue(name, out var existing))
        {
            return Same(existing, parameters);
        }

        await _createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_policies.TryGetValue(name, out existing))
            {
                return Same(existing, parameters);
            }

            var fresh = new AdaptivePolicy(name, parameters, explorationRate: _explorationRate, seed: SeedOf(name));
            var (bandit, current) = await RestoreAsync(fresh.Name, fresh.Parameters, cancellationToken).ConfigureAwait(false);
            var policy = bandit is null ? fresh : new AdaptivePolicy(fresh.Name, fresh.Parameters, bandit);
            _policies[name] = policy;
            _current[name] = current;
            _checkpointed[name] = policy.RewardCount;
            return policy;
        }
        finally
        {
            _createGate.Release();
        }
    }

    public AbTest GetOrAddAbTest(string name, IReadOnlyList<AbVariant> variants, AbTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(variants);
        var test = _tests.GetOrAdd(name, static (n, state) => new AbTest(n, state.variants, state.options), (variants, options));
        return test.HasDefinition(variants, options)
            ? test
            : throw new ArgumentException($"A/B test '{name}' already exists with {test.Describe()}; asked for {AbTest.Describe(variants, options)}. Use a new test name for a new definition.", nameof(variants));
    }

    /// <summary>
    /// Saves the policies that learned something since their last checkpoint; called by the learning loop.
    /// A policy whose checkpoint was rolled back (its current version is not the one the engine last saw)
    /// adopts the registry's version instead of overwriting it.
    /// </summary>
    internal async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, policy) in _policies)
        {
            var rewards = policy.RewardCount;
            if (_checkpointed.TryGetValue(name, out var saved) && saved == rewards)
            {
                continue;
            }

            var modelId = ModelIdPrefix + name;
            var seen = _current.GetValueOrDefault(name);
            var current = await _registry.GetCurrentVersionAsync(modelId, cancellationToken).ConfigureAwait(false);
            if (current == seen)
            {
                var result = await _registry.SaveIfCurrentAsync(
                    modelId,
                    seen,
                    policy.Bandit.ModelType,
                    PolicyCheckpoint.Write(policy),
                    new Dictionary<string, double> { ["rewards"] = rewards },
                    seen is { } parent ? [parent] : null,
                    cancellationToken).ConfigureAwait(false);
                if (result.IsCurrent)
                {
                    _current[name] = result.Version;
                    _checkpointed[name] = rewards;
                    continue;
                }
            }

            // Rolled back (or written by someone else) since the engine last looked: adopt that version.
            var (bandit, now) = await RestoreAsync(name, policy.Parameters, cancellationToken).ConfigureAwait(false);
            if (bandit is not null)
            {
                policy.ReplaceBandit(bandit);
            }

            _current[name] = now;
            _checkpointed[name] = policy.RewardCount;
        }
    }

    /// <summary>
    /// The newest intact checkpoint at or below the current version (skipping corrupt ones) and the current
    /// version; a checkpoint made for other parameters is an error, since its arms mean other values.
    /// </summary>
    private async Task<(IBanditPolicy? Bandit, long? Current)> RestoreAsync(string name, IReadOnlyList<ParameterRange> parameters, CancellationToken cancellationToken)
    {
        var modelId = ModelIdPrefix + name;
        var current = await _registry.GetCurrentVersionAsync(modelId, cancellationToken).ConfigureAwait(false);
        for (var version = current ?? 0; version >= 1; version--)
        {
            IReadOnlyList<ParameterRange> stored;
            IBanditPolicy bandit;
            try
            {
                var model = await _registry.LoadAsync(modelId, version, cancellationToken).ConfigureAwait(false);
                (stored, bandit) = PolicyCheckpoint.Read(model.Data.Span, SeedOf(name));
            }
            catch (Exception ex) when (ex is ModelCorruptedException or InvalidDataException or KeyNotFoundException)
            {
                continue;
            }

            if (!AdaptivePolicy.SameParameters(stored, parameters) || bandit.ArmCount != ArmCount(parameters))
            {
                throw new ArgumentException(
                    $"Policy '{name}' has a checkpoint (model '{modelId}' version {version}) made for other parameters: {PolicyCheckpoint.Describe(stored)}; asked for {PolicyCheckpoint.Describe(parameters)}. " +
                    "Its arms would mean other values: use a new policy name for new parameters (or roll the model back to a version made for these).",
                    nameof(parameters));
            }

            return (bandit, current);
        }

        return (null, current);
    }

    private static long ArmCount(IReadOnlyList<ParameterRange> parameters) => parameters.Aggregate(1L, (product, p) => product * p.Candidates.Count);

    private static AdaptivePolicy Same(AdaptivePolicy existing, IReadOnlyList<ParameterRange> parameters) =>
        existing.HasSameParameters(parameters)
            ? existing
            : throw new ArgumentException($"Policy '{existing.Name}' already exists with other parameters or bounds: {PolicyCheckpoint.Describe(existing.Parameters)}; asked for {PolicyCheckpoint.Describe(parameters)}.", nameof(parameters));

    private static int SeedOf(string name) => (int)(AbTest.Position("policy", name) * int.MaxValue);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex PolicyName();
}
