using Code.Core.State;
using Code.Learning.Adaptation;
using Code.Learning.Registry;
using Code.Learning.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Learning.Tests.Adaptation;

public sealed class AdaptationEngineTests : IDisposable
{
    private static readonly ParameterRange[] Steps = [new ParameterRange("step_weight", 5, 50, [10, 20, 50])];
    private readonly InMemoryStateStore _store = new();
    private readonly StateStoreModelRegistry _registry;

    public AdaptationEngineTests()
    {
        _registry = new StateStoreModelRegistry(_store);
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Policies_use_the_exploration_rate_and_are_shared_by_name()
    {
        using var engine = new AdaptationEngine(_registry, explorationRate: 0.3);
        var policy = await engine.GetOrAddPolicyAsync("canary-steps.checkout", Steps);
        Assert.Same(policy, await engine.GetOrAddPolicyAsync("canary-steps.checkout", Steps));
        var choice = policy.Choose();
        policy.Reward(choice, 1);

        // Epsilon-greedy at 0.3 over three arms: the best arm is played with 0.7 + 0.1.
        Assert.Equal(0.8, policy.Bandit.GetProbability([], choice.Arm), 12);
        Assert.Single(engine.Policies);

        var other = await Assert.ThrowsAsync<ArgumentException>(async () => await engine.GetOrAddPolicyAsync("canary-steps.checkout", [new ParameterRange("step_weight", 5, 50, [10, 20])]));
        Assert.Contains("other parameters", other.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await engine.GetOrAddPolicyAsync("../bad", Steps));
    }

    [Fact]
    public async Task Checkpointed_policies_are_restored_after_a_restart_and_skip_corrupt_versions()
    {
        double learned;
        using (var engine = new AdaptationEngine(_registry, 0.1))
        {
            var policy = await engine.GetOrAddPolicyAsync("analysis", Steps);
            for (var i = 0; i < 30; i++)
            {
                var choice = policy.Choose();
                policy.Reward(choice, choice.Values["step_weight"] == 20 ? 1 : 0);
            }

            await engine.CheckpointAsync(CancellationToken.None);
            await engine.CheckpointAsync(CancellationToken.None); // unchanged: no second version
            learned = policy.Bandit.GetProbability([], 1);
        }

        var versions = await _registry.ListVersionsAsync("adaptation.analysis");
        var only = Assert.Single(versions);
        Assert.Equal(30, only.Metrics["rewards"]);

        // A corrupt newer version is skipped in favour of the intact one.
        await _registry.SaveAsync("adaptation.analysis", "bandit-epsilon-greedy", new byte[] { 1, 2, 3 });
        using var restarted = new AdaptationEngine(_registry, 0.1);
        var restored = await restarted.GetOrAddPolicyAsync("analysis", Steps);
        Assert.Equal(learned, restored.Bandit.GetProbability([], 1));
    }

    [Fact]
    public async Task A_checkpoint_for_other_candidate_values_is_a_clear_error()
    {
        using (var engine = new AdaptationEngine(_registry, 0.1))
        {
            var policy = await engine.GetOrAddPolicyAsync("analysis", Steps);
            for (var i = 0; i < 20; i++)
            {
                var choice = policy.Choose();
                policy.Reward(choice, choice.Values["step_weight"] == 50 ? 1 : 0);
            }

            await engine.CheckpointAsync(CancellationToken.None);
        }

        // Same arm count, other values: the checkpoint's statistics belong to 10, 20 and 50, not 10, 25 and 50.
        using var restarted = new AdaptationEngine(_registry, 0.1);
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await restarted.GetOrAddPolicyAsync("analysis", [new ParameterRange("step_weight", 5, 50, [10, 25, 50])]));
        Assert.Contains("version 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("{10, 20, 50}", error.Message, StringComparison.Ordinal);
        Assert.Contains("{10, 25, 50}", error.Message, StringComparison.Ordinal);

        // Other bounds with the same candidates are other parameters too; the original definition restores.
        await Assert.ThrowsAsync<ArgumentException>(async () => await restarted.GetOrAddPolicyAsync("analysis", [new ParameterRange("step_weight", 0, 100, [10, 20, 50])]));
        var restored = await restarted.GetOrAddPolicyAsync("analysis", Steps);
        Assert.True(restored.Bandit.GetProbability([], 2) > 0.5);
    }

    [Fact]
    public void An_AB_test_asked_for_with_other_variants_is_a_clear_error()
    {
        using var engine = new AdaptationEngine(_registry, 0.1);
        var test = engine.GetOrAddAbTest("speed", [new AbVariant("slow"), new AbVariant("fast")]);
        Assert.Same(test, engine.GetOrAddAbTest("speed", [new AbVariant("slow"), new AbVariant("fast")]));

        var variants = Assert.Throws<ArgumentException>(() => engine.GetOrAddAbTest("speed", [new AbVariant("slow"), new AbVariant("faster")]));
        Assert.Contains("already exists", variants.Message, StringComparison.Ordinal);
        Assert.Contains("faster", variants.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => engine.GetOrAddAbTest("speed", [new AbVariant("slow"), new AbVariant("fast", 3)]));
        Assert.Throws<ArgumentException>(() => engine.GetOrAddAbTest("speed", [new AbVariant("slow"), new AbVariant("fast")], new AbTestOptions { Alpha = 0.01 }));
    }

    [Fact]
    public async Task A_rollback_of_a_policy_is_adopted_not_overwritten()
    {
        using var engine = new AdaptationEngine(_registry, 0.1);
        var policy = await engine.GetOrAddPolicyAsync("rollout", Steps);
        Reward(policy, arm: 0, times: 10);
        await engine.CheckpointAsync(CancellationToken.None);
        var atVersion1 = policy.Bandit.GetProbability([], 0);

        Reward(policy, arm: 2, times: 30);
        await engine.CheckpointAsync(CancellationToken.None);
        Assert.Equal(2, await _registry.GetCurrentVersionAsync("adaptation.rollout"));
        Assert.NotEqual(atVersion1, policy.Bandit.GetProbability([], 0));

        await _registry.RollbackAsync("adaptation.rollout", 1);
        Reward(policy, arm: 2, times: 5);
        await engine.CheckpointAsync(CancellationToken.None);
        Assert.Equal(1, await _registry.GetCurrentVersionAsync("adaptation.rollout"));
        Assert.Equal(atVersion1, policy.Bandit.GetProbability([], 0));

        // Learning after the adoption is checkpointed again, as a child of version 1.
        Reward(policy, arm: 1, times: 3);
        await engine.CheckpointAsync(CancellationToken.None);
        var latest = await _registry.LoadAsync("adaptation.rollout");
        Assert.True(latest.Info.IsCurrent);
        Assert.Equal([1L], latest.Info.ParentVersions);
    }

    private static void Reward(AdaptivePolicy policy, int arm, int times)
    {
        for (var i = 0; i < times; i++)
        {
            policy.Reward(new ParameterChoice(arm, policy.ValuesOf(arm), 1), 1);
        }
    }

    [Fact]
    public async Task The_learning_loop_checkpoints_the_policies()
    {
        var time = new FakeTimeProvider();
        await using var host = new LearningHost(_store, time);
        var engine = host.Services.GetRequiredService<IAdaptationEngine>();
        await host.Loop.StartAsync(CancellationToken.None);
        var policy = await engine.GetOrAddPolicyAsync("rollout.batch", Steps);
        policy.Reward(policy.Choose(), 1);
        await host.Loop.StopAsync(CancellationToken.None);
        Assert.Equal(1, await _registry.GetCurrentVersionAsync("adaptation.rollout.batch"));
    }
}
