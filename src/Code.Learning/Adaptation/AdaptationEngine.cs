using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Code.Learning.Bandits;
using Code.Learning.Registry;

namespace Code.Learning.Adaptation;

/// <summary>The adaptation engine: named policies (epsilon-greedy at the host's exploration rate) restored from the registry.</summary>
internal sealed partial class AdaptationEngine : IAdaptationEngine, IDisposable
{
    internal const string ModelIdPrefix = "adaptation.";

    private readonly ConcurrentDictionary<string, AdaptivePolicy> _policies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AbTest> _tests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _checkpointed = new(StringComparer.Ordinal);
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
            var policy = await RestoreAsync(fresh, cancellationToken).ConfigureAwait(false) ?? fresh;
            _policies[name] = policy;
            _checkpointed[name] = policy.RewardCount;
            return policy;
        }
        finally
        {
            _createGate.Release();
        }
    }

    public AbTest GetOrAddAbTest(string name, IReadOnlyList<AbVariant> variants, AbTestOptions? options = null) =>
        _tests.GetOrAdd(name, static (n, state) => new AbTest(n, state.variants, state.options), (variants, options));

    /// <summary>Saves the policies that learned something since their last checkpoint; called by the learning loop.</summary>
    internal async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, policy) in _policies)
        {
            var rewards = policy.RewardCount;
            if (_checkpointed.TryGetValue(name, out var saved) && saved == rewards)
            {
                continue;
            }

            var current = await _registry.GetCurrentVersionAsync(ModelIdPrefix + name, cancellationToken).ConfigureAwait(false);
            await _registry.SaveAsync(
                ModelIdPrefix + name,
                policy.Bandit.ModelType,
                policy.Bandit.Serialize(),
                new Dictionary<string, double> { ["rewards"] = rewards },
                current is { } parent ? [parent] : null,
                cancellationToken).ConfigureAwait(false);
            _checkpointed[name] = rewards;
        }
    }

    /// <summary>The newest intact checkpoint of the policy, or null (none, all corrupt, or made for other parameters).</summary>
    private async Task<AdaptivePolicy?> RestoreAsync(AdaptivePolicy fresh, CancellationToken cancellationToken)
    {
        var modelId = ModelIdPrefix + fresh.Name;
        var current = await _registry.GetCurrentVersionAsync(modelId, cancellationToken).ConfigureAwait(false);
        for (var version = current ?? 0; version >= 1; version--)
        {
            IBanditPolicy bandit;
            try
            {
                var stored = await _registry.LoadAsync(modelId, version, cancellationToken).ConfigureAwait(false);
                bandit = BanditPolicy.Deserialize(stored.Data.Span, SeedOf(fresh.Name));
            }
            catch (Exception ex) when (ex is ModelCorruptedException or InvalidDataException or KeyNotFoundException)
            {
                continue;
            }

            // A checkpoint with another arm count was made for other parameters: its arms mean something else.
            return bandit.ArmCount == fresh.Bandit.ArmCount ? new AdaptivePolicy(fresh.Name, fresh.Parameters, bandit) : null;
        }

        return null;
    }

    private static AdaptivePolicy Same(AdaptivePolicy existing, IReadOnlyList<ParameterRange> parameters) =>
        existing.HasSameParameters(parameters)
            ? existing
            : throw new ArgumentException($"Policy '{existing.Name}' already exists with other parameters or bounds.", nameof(parameters));

    private static int SeedOf(string name) => (int)(AbTest.Position("policy", name) * int.MaxValue);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex PolicyName();
}
