using System.Diagnostics.Metrics;
using Code.Core.State;
using Code.Learning.Hosting;
using Code.Learning.Registry;
using Code.Learning.Risk;
using Code.Learning.Supervised;
using Code.Learning.Tests.Risk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Learning.Tests.Hosting;

public sealed class LearningLoopTests : IDisposable
{
    private static readonly DeploymentRiskFeatures Probe = new("payments") { LinesChanged = 800, FilesChanged = 20, HasMigration = true, RecentFailureRate = 0.3 };
    private static readonly string[] Routine = ["deploy.plan", "deploy.apply", "deploy.status"];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
    private readonly InMemoryStateStore _store;

    public LearningLoopTests()
    {
        _store = new InMemoryStateStore(_time);
    }

    public void Dispose() => _store.Dispose();

    private static async Task FeedAsync(ILearningEventSink sink, int deployments, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < deployments; i++)
        {
            var (features, failed, _) = DeploymentRiskModelTests.Sample(random);
            await sink.PostAsync(new DeploymentOutcomeEvent(features, failed));
            await sink.PostAsync(new ToolSequenceEvent(Routine));
        }
    }

    [Fact]
    public async Task Checkpoint_on_shutdown_and_restart_keeps_the_learned_state()
    {
        double before;
        double surprise;
        await using (var first = new LearningHost(_store, _time))
        {
            await first.Loop.StartAsync(CancellationToken.None);
            await FeedAsync(first.Sink, 400, seed: 1);
            await first.Loop.StopAsync(CancellationToken.None);
            Assert.Equal(800, first.Models.EventsProcessed);
            before = first.Models.Risk.PredictFailureProbability(Probe);
            surprise = first.Models.ToolSequences.Surprise(["deploy.plan"], "deploy.apply");
            Assert.NotEqual(0.5, before);
        }

        await using var second = new LearningHost(_store, _time);
        var registry = second.Services.GetRequiredService<IModelRegistry>();
        Assert.Equal(1, await registry.GetCurrentVersionAsync("deployment-risk"));
        Assert.Equal(1, await registry.GetCurrentVersionAsync("tool-sequences"));
        await second.Loop.StartAsync(CancellationToken.None);
        Assert.Equal(before, second.Models.Risk.PredictFailureProbability(Probe));
        Assert.Equal(surprise, second.Models.ToolSequences.Surprise(["deploy.plan"], "deploy.apply"));
        Assert.Equal(400, second.Models.Risk.Quality.Examples);
        await second.Loop.StopAsync(CancellationToken.None);

        // Nothing new was learned by the second host, so its shutdown wrote no new version.
        Assert.Equal(1, await registry.GetCurrentVersionAsync("deployment-risk"));
    }

    [Fact]
    public async Task Checkpoints_every_model_update_interval_only_when_something_changed()
    {
        await using var host = new LearningHost(_store, _time, batchSize: 8, checkpointSeconds: 60);
        var registry = host.Services.GetRequiredService<IModelRegistry>();
        await host.Loop.StartAsync(CancellationToken.None);
        await FeedAsync(host.Sink, 50, seed: 2);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 100);
        Assert.Null(await registry.GetCurrentVersionAsync("deployment-risk"));

        _time.Advance(TimeSpan.FromSeconds(60));
        await LearningHost.WaitUntilAsync(() => registry.GetCurrentVersionAsync("tool-sequences").AsTask().Result == 1);

        await FeedAsync(host.Sink, 10, seed: 3);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 120);
        _time.Advance(TimeSpan.FromSeconds(60));
        await LearningHost.WaitUntilAsync(() => registry.GetCurrentVersionAsync("tool-sequences").AsTask().Result == 2);
        var versions = await registry.ListVersionsAsync("deployment-risk");
        Assert.Equal([1L, 2L], versions.Select(v => v.Version));
        Assert.Equal([1L], versions[1].ParentVersions);
        Assert.Equal(60, versions[1].Metrics["examples"]);
        Assert.InRange(versions[1].Metrics["accuracy"], 0, 1);

        _time.Advance(TimeSpan.FromSeconds(60)); // nothing new: no new version
        await host.Loop.StopAsync(CancellationToken.None);
        Assert.Equal(2, await registry.GetCurrentVersionAsync("deployment-risk"));
    }

    [Fact]
    public async Task A_corrupt_current_checkpoint_falls_back_to_the_newest_intact_version()
    {
        double learned;
        await using (var first = new LearningHost(_store, _time))
        {
            await first.Loop.StartAsync(CancellationToken.None);
            await FeedAsync(first.Sink, 200, seed: 4);
            await first.Loop.StopAsync(CancellationToken.None);
            learned = first.Models.Risk.PredictFailureProbability(Probe);
        }

        // A torn write left version 2 unreadable and current.
        await _store.PutAsync(StateStoreModelRegistry.VersionKey("deployment-risk", 2), new byte[] { 9, 9, 9, 9, 9, 9, 9, 9, 9 });
        await _store.PutAsync(StateStoreModelRegistry.CurrentKey("deployment-risk"), BitConverter.GetBytes(2L));

        await using var second = new LearningHost(_store, _time);
        await second.Loop.StartAsync(CancellationToken.None);
        Assert.Equal(learned, second.Models.Risk.PredictFailureProbability(Probe));
        await FeedAsync(second.Sink, 5, seed: 5);
        await second.Loop.StopAsync(CancellationToken.None);

        var registry = second.Services.GetRequiredService<IModelRegistry>();
        var latest = await registry.LoadAsync("deployment-risk");
        Assert.Equal(3, latest.Info.Version);
        Assert.Equal([1L], latest.Info.ParentVersions);
        Assert.Equal(205, latest.Info.Metrics["examples"]);
    }

    [Fact]
    public async Task Bad_events_are_rejected_and_counted_without_stopping_the_loop()
    {
        await using var host = new LearningHost(_store, _time);
        await host.Loop.StartAsync(CancellationToken.None);
        Assert.True(host.Sink.TryPost(new DeploymentOutcomeEvent(new DeploymentRiskFeatures("a") { RecentFailureRate = double.NaN }, true)));
        Assert.True(host.Sink.TryPost(new MetricSampleEvent("latency", double.NaN)));
        Assert.True(host.Sink.TryPost(new ToolSequenceEvent(["ok", ""])));
        Assert.True(host.Sink.TryPost(new DeploymentOutcomeEvent(new DeploymentRiskFeatures("a"), true)));
        await host.Loop.StopAsync(CancellationToken.None);
        Assert.Equal(3, host.Models.EventsRejected);
        Assert.Equal(1, host.Models.EventsProcessed);
        Assert.False(host.Sink.TryPost(new MetricSampleEvent("latency", 1)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await host.Sink.PostAsync(new MetricSampleEvent("latency", 1)));
    }

    [Fact]
    public async Task One_bad_event_of_any_kind_neither_stops_the_loop_nor_poisons_a_model()
    {
        await using var host = new LearningHost(_store, _time);
        await host.Loop.StartAsync(CancellationToken.None);

        // A finite feature whose square overflows FTRL's gradient sum, and a host's list that throws when read.
        var huge = new DeploymentRiskFeatures("payments") { Numeric = new Dictionary<string, double> { ["size"] = 1e300 } };
        await host.Sink.PostAsync(new DeploymentOutcomeEvent(huge, true));
        await host.Sink.PostAsync(new ToolSequenceEvent(new UnreadableCalls()));
        await FeedAsync(host.Sink, 20, seed: 11);
        await host.Loop.StopAsync(CancellationToken.None);

        Assert.Equal(2, host.Models.EventsRejected);
        Assert.Equal(40, host.Models.EventsProcessed);
        var p = host.Models.Risk.PredictFailureProbability(Probe);
        Assert.InRange(p, 0.01, 0.99);

        // The checkpoint is intact and loads.
        var registry = host.Services.GetRequiredService<IModelRegistry>();
        var stored = await registry.LoadAsync("deployment-risk");
        Assert.Equal(p, new DeploymentRiskModel(FtrlLogisticRegression.Deserialize(stored.Data.Span)).PredictFailureProbability(Probe));
    }

    [Fact]
    public async Task Metric_samples_are_scored_for_anomalies()
    {
        await using var host = new LearningHost(_store, _time);
        await host.Loop.StartAsync(CancellationToken.None);
        for (var i = 0; i < 60; i++)
        {
            await host.Sink.PostAsync(new MetricSampleEvent("checkout.latency", 100 + (i % 5)));
        }

        await host.Sink.PostAsync(new MetricSampleEvent("checkout.latency", 400));
        await host.Loop.StopAsync(CancellationToken.None);
        Assert.True(host.Models.TryGetLatestScore("checkout.latency", out var latest));
        Assert.True(latest.IsAnomaly);
        var anomaly = Assert.Single(host.Models.GetRecentAnomalies());
        Assert.Equal(400, anomaly.Score.Value);
        Assert.Equal(_time.GetUtcNow(), anomaly.ObservedAt);
    }

    [Fact]
    public async Task Publishes_the_documented_instruments()
    {
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Code.Learning")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => { lock (seen) { seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value; } });
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => { lock (seen) { seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value; } });
        listener.Start();

        await using var host = new LearningHost(_store, _time);
        await host.Loop.StartAsync(CancellationToken.None);
        await FeedAsync(host.Sink, 20, seed: 6);
        await host.Loop.StopAsync(CancellationToken.None);
        host.Models.Risk.PredictFailureProbability(Probe);
        listener.RecordObservableInstruments();

        lock (seen)
        {
            Assert.True(seen.GetValueOrDefault("code.learning.events.processed") >= 40);
            Assert.True(seen.ContainsKey("code.learning.training.duration"));
            Assert.True(seen.ContainsKey("code.learning.prediction.duration"));
            Assert.True(seen.ContainsKey("code.learning.model.accuracy"));
            Assert.True(seen.GetValueOrDefault("code.learning.checkpoints") >= 1);
        }
    }

    [Fact]
    public async Task A_loop_that_learned_nothing_writes_no_checkpoint()
    {
        await using var host = new LearningHost(_store, _time);
        await host.Loop.StopAsync(CancellationToken.None); // never started
        await host.Loop.StartAsync(CancellationToken.None);
        await host.Loop.StopAsync(CancellationToken.None);
        var registry = host.Services.GetRequiredService<IModelRegistry>();
        Assert.Null(await registry.GetCurrentVersionAsync("deployment-risk"));
    }

    [Fact]
    public async Task A_disabled_loop_refuses_events()
    {
        await using var host = new LearningHost(_store, _time, enabled: false);
        await host.Loop.StartAsync(CancellationToken.None);
        Assert.False(host.Sink.TryPost(new MetricSampleEvent("latency", 1)));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await host.Sink.PostAsync(new MetricSampleEvent("latency", 1)));
        Assert.Contains("learning.enabled", error.Message, StringComparison.Ordinal);
        await host.Loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_rollback_is_adopted_by_reload_and_never_overwritten_by_the_next_checkpoint()
    {
        await using var host = new LearningHost(_store, _time);
        var registry = host.Services.GetRequiredService<IModelRegistry>();
        var loop = host.Services.GetRequiredService<ILearningLoop>();
        await host.Loop.StartAsync(CancellationToken.None);
        await FeedAsync(host.Sink, 100, seed: 7);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 200);
        await loop.CheckpointAsync();
        var atVersion1 = host.Models.Risk.PredictFailureProbability(Probe);

        await FeedAsync(host.Sink, 100, seed: 8);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 400);
        await loop.CheckpointAsync();
        Assert.Equal(2, await registry.GetCurrentVersionAsync("deployment-risk"));
        Assert.NotEqual(atVersion1, host.Models.Risk.PredictFailureProbability(Probe));

        await registry.RollbackAsync("deployment-risk", 1);
        await loop.ReloadAsync();
        Assert.Equal(atVersion1, host.Models.Risk.PredictFailureProbability(Probe));

        // Roll back again without a reload: the next checkpoint adopts the rollback instead of saving.
        await FeedAsync(host.Sink, 10, seed: 9);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 420);
        await loop.CheckpointAsync();
        var version3 = await registry.GetCurrentVersionAsync("deployment-risk");
        Assert.Equal(3, version3);
        await registry.RollbackAsync("deployment-risk", 1);
        await FeedAsync(host.Sink, 10, seed: 10);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 440);
        await loop.CheckpointAsync();
        Assert.Equal(1, await registry.GetCurrentVersionAsync("deployment-risk"));
        Assert.Equal(atVersion1, host.Models.Risk.PredictFailureProbability(Probe));
        await host.Loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_rollback_of_the_tool_sequence_model_is_respected_too()
    {
        await using var host = new LearningHost(_store, _time);
        var registry = host.Services.GetRequiredService<IModelRegistry>();
        var loop = host.Services.GetRequiredService<ILearningLoop>();
        await host.Loop.StartAsync(CancellationToken.None);
        await FeedAsync(host.Sink, 50, seed: 12);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 100);
        await loop.CheckpointAsync();
        var atVersion1 = host.Models.ToolSequences.Surprise(["deploy.plan"], "fs.delete");

        for (var i = 0; i < 50; i++)
        {
            await host.Sink.PostAsync(new ToolSequenceEvent(["deploy.plan", "fs.delete"]));
        }

        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 150);
        await loop.CheckpointAsync();
        Assert.Equal(2, await registry.GetCurrentVersionAsync("tool-sequences"));
        Assert.NotEqual(atVersion1, host.Models.ToolSequences.Surprise(["deploy.plan"], "fs.delete"));

        // Only the sequence model is rolled back, and the host forgets to reload: the next checkpoint
        // keeps the rollback, adopts it, and still checkpoints the risk model.
        await registry.RollbackAsync("tool-sequences", 1);
        await FeedAsync(host.Sink, 5, seed: 13);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 160);
        await loop.CheckpointAsync();
        Assert.Equal(1, await registry.GetCurrentVersionAsync("tool-sequences"));
        Assert.Equal(atVersion1, host.Models.ToolSequences.Surprise(["deploy.plan"], "fs.delete"));
        Assert.Equal(3, await registry.GetCurrentVersionAsync("deployment-risk"));

        // From there on the sequence model is checkpointed again, as a child of version 1.
        await FeedAsync(host.Sink, 5, seed: 14);
        await LearningHost.WaitUntilAsync(() => host.Models.EventsProcessed == 170);
        await loop.CheckpointAsync();
        var latest = await registry.LoadAsync("tool-sequences");
        Assert.Equal(3, latest.Info.Version);
        Assert.Equal([1L], latest.Info.ParentVersions);
        await host.Loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Tool_calls_of_interleaved_sessions_train_like_whole_sessions()
    {
        string[] first = ["deploy.plan", "deploy.apply", "deploy.status"];
        string[] second = ["state.get", "state.put", "state.get", "state.put"];
        await using var host = new LearningHost(_store, _time, batchSize: 3);
        await host.Loop.StartAsync(CancellationToken.None);
        for (var i = 0; i < second.Length; i++)
        {
            if (i < first.Length)
            {
                await host.Sink.PostAsync(new ToolCallEvent("session-1", first[i]));
            }

            await host.Sink.PostAsync(new ToolCallEvent("session-2", second[i]));
        }

        await host.Sink.PostAsync(new ToolCallEvent("", "x"));
        await host.Loop.StopAsync(CancellationToken.None);
        Assert.Equal(1, host.Models.EventsRejected);

        var expected = new Code.Learning.Sequences.MarkovSequenceModel(order: 3);
        expected.Learn(first);
        expected.Learn(second);
        foreach (var history in new[] { Array.Empty<string>(), ["deploy.plan"], ["state.get", "state.put"] })
        {
            foreach (var next in first.Concat(second).Append("other"))
            {
                Assert.Equal(expected.Surprise(history, next), host.Models.ToolSequences.Surprise(history, next));
            }
        }
    }

    [Fact]
    public async Task The_queue_is_bounded_by_event_queue_capacity()
    {
        await using var host = new LearningHost(_store, _time, queueCapacity: 3);

        // Not started yet: nothing drains the queue.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(host.Sink.TryPost(new MetricSampleEvent("m", i)));
        }

        Assert.False(host.Sink.TryPost(new MetricSampleEvent("m", 3)));
        var waiting = host.Sink.PostAsync(new MetricSampleEvent("m", 4)).AsTask();
        Assert.False(waiting.IsCompleted);

        await host.Loop.StartAsync(CancellationToken.None);
        await waiting;
        await host.Loop.StopAsync(CancellationToken.None);
        Assert.Equal(4, host.Models.EventsProcessed);
    }

    /// <summary>A host's list of calls whose enumeration fails with an exception the loop does not expect.</summary>
    private sealed class UnreadableCalls : IReadOnlyList<string>
    {
        public int Count => 2;

        public string this[int index] => throw new NotSupportedException("the calls are gone");

        public IEnumerator<string> GetEnumerator() => throw new NotSupportedException("the calls are gone");

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
