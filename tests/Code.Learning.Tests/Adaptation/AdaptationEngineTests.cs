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
