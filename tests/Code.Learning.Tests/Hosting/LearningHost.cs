using Code.Core.State;
using Code.Learning.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Learning.Tests.Hosting;

/// <summary>A service provider with AddCode().AddLearning() over a given store and fake clock.</summary>
internal sealed class LearningHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public LearningHost(IStateStore store, FakeTimeProvider time, int batchSize = 32, int checkpointSeconds = 300, bool enabled = true, int queueCapacity = 10_000)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        services.AddSingleton<TimeProvider>(time);
        services.AddCode(o =>
        {
            o.Learning.BatchSize = batchSize;
            o.Learning.ModelUpdateInterval = checkpointSeconds;
            o.Learning.Enabled = enabled;
            o.Learning.EventQueueCapacity = queueCapacity;
        }).AddLearning(o => o.RiskModelHashBits = 12);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IServiceProvider Services => _provider;

    public LearningLoop Loop => _provider.GetRequiredService<LearningLoop>();

    public ILearningEventSink Sink => _provider.GetRequiredService<ILearningEventSink>();

    public ILearningModels Models => _provider.GetRequiredService<ILearningModels>();

    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Waits for the loop's own thread; the bound only stops a broken test, it is not a speed assertion.
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the learning loop did not reach the expected state");
    }

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();
}
