using System.Security.Cryptography;
using Code.Core.Persistence.Protos;
using Code.Core.State;
using Code.Learning.Registry;
using Code.Learning.Supervised;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace Code.Learning.Tests.Registry;

public sealed class StateStoreModelRegistryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
    private readonly InMemoryStateStore _store;
    private readonly StateStoreModelRegistry _registry;

    public StateStoreModelRegistryTests()
    {
        _store = new InMemoryStateStore(_time);
        _registry = new StateStoreModelRegistry(_store, _time);
    }

    public void Dispose() => _store.Dispose();

    private static byte[] TrainedModel(int examples)
    {
        var model = new FtrlLogisticRegression(new FtrlOptions { HashBits = 12 });
        for (var i = 0; i < examples; i++)
        {
            model.Learn([new Feature("x", i % 7), new Feature("s", i % 3 == 0 ? "a" : "b")], i % 3 == 0);
        }

        return model.Serialize();
    }

    [Fact]
    public async Task Round_trip_versions_rollback_and_compare()
    {
        var first = TrainedModel(100);
        var v1 = await _registry.SaveAsync("risk", FtrlLogisticRegression.ModelType, first, new Dictionary<string, double> { ["accuracy"] = 0.8, ["log_loss"] = 0.5 });
        _time.Advance(TimeSpan.FromMinutes(5));
        var second = TrainedModel(500);
        var v2 = await _registry.SaveAsync("risk", FtrlLogisticRegression.ModelType, second, new Dictionary<string, double> { ["accuracy"] = 0.85, ["auc"] = 0.9 }, [v1.Version]);

        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);
        Assert.Equal([1L], v2.ParentVersions);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(second)), v2.ContentHash);
        Assert.Equal(_time.GetUtcNow(), v2.CreatedAt);

        var current = await _registry.LoadAsync("risk");
        Assert.Equal(2, current.Info.Version);
        Assert.True(current.Info.IsCurrent);
        Assert.Equal(second, current.Data.ToArray());
        var restored = FtrlLogisticRegression.Deserialize(current.Data.Span);
        Assert.Equal(500, restored.ExamplesSeen);

        var old = await _registry.LoadAsync("risk", 1);
        Assert.Equal(first, old.Data.ToArray());
        Assert.False(old.Info.IsCurrent);

        var list = await _registry.ListVersionsAsync("risk");
        Assert.Equal([1L, 2L], list.Select(v => v.Version));
        Assert.Equal([false, true], list.Select(v => v.IsCurrent));

        var rolledBack = await _registry.RollbackAsync("risk", 1);
        Assert.True(rolledBack.IsCurrent);
        Assert.Equal(1, await _registry.GetCurrentVersionAsync("risk"));
        Assert.Equal(first, (await _registry.LoadAsync("risk")).Data.ToArray());

        var comparison = await _registry.CompareAsync("risk", 1, 2);
        Assert.Equal(["accuracy", "auc", "log_loss"], comparison.Metrics.Select(m => m.Metric));
        Assert.Equal(0.05, comparison.Metrics[0].Difference!.Value, 12);
        Assert.Null(comparison.Metrics[1].Baseline);
        Assert.Null(comparison.Metrics[2].Difference);

        // A save after a rollback gets the next version number and becomes current.
        var v3 = await _registry.SaveAsync("risk", FtrlLogisticRegression.ModelType, TrainedModel(50));
        Assert.Equal(3, v3.Version);
        Assert.Equal(3, await _registry.GetCurrentVersionAsync("risk"));
    }

    [Fact]
    public async Task A_rollback_during_a_save_is_not_undone_by_it()
    {
        var store = new InterceptingStateStore(_store);
        var registry = new StateStoreModelRegistry(store, _time);
        await registry.SaveAsync("risk", "ftrl", TrainedModel(100));
        await registry.SaveAsync("risk", "ftrl", TrainedModel(200));

        // Version 3 is written; before the save moves the current pointer, an operator rolls back to 1.
        store.After(key => key == StateStoreModelRegistry.VersionKey("risk", 3), async () => await registry.RollbackAsync("risk", 1));
        var third = await registry.SaveAsync("risk", "ftrl", TrainedModel(300));

        Assert.Equal(3, third.Version);
        Assert.False(third.IsCurrent);
        Assert.Equal(1, await registry.GetCurrentVersionAsync("risk"));

        // A later save (started after the rollback) becomes current again.
        var fourth = await registry.SaveAsync("risk", "ftrl", TrainedModel(400), parentVersions: [1]);
        Assert.True(fourth.IsCurrent);
        Assert.Equal(4, await registry.GetCurrentVersionAsync("risk"));
    }

    [Fact]
    public async Task A_save_that_loses_to_a_newer_one_is_not_reported_current()
    {
        var store = new InterceptingStateStore(_store);
        var registry = new StateStoreModelRegistry(store, _time);
        await registry.SaveAsync("risk", "ftrl", TrainedModel(100));

        // Version 2 is written; before it moves the pointer, another writer saves version 3 in full.
        ModelVersionInfo? third = null;
        store.After(key => key == StateStoreModelRegistry.VersionKey("risk", 2), async () => third = await registry.SaveAsync("risk", "ftrl", TrainedModel(300)));
        var second = await registry.SaveAsync("risk", "ftrl", TrainedModel(200));

        Assert.False(second.IsCurrent);
        Assert.True(third!.IsCurrent);
        Assert.Equal(3, await registry.GetCurrentVersionAsync("risk"));
    }

    [Fact]
    public async Task A_conditional_save_becomes_current_only_over_the_expected_version()
    {
        Assert.True((await _registry.SaveIfCurrentAsync("risk", null, "ftrl", TrainedModel(100))).IsCurrent);
        Assert.True((await _registry.SaveIfCurrentAsync("risk", 1, "ftrl", TrainedModel(200), parentVersions: [1])).IsCurrent);
        await _registry.RollbackAsync("risk", 1);

        // The writer still believes 2 is current: its save is kept, but the rollback stands.
        var stale = await _registry.SaveIfCurrentAsync("risk", 2, "ftrl", TrainedModel(300), parentVersions: [2]);
        Assert.Equal(3, stale.Version);
        Assert.False(stale.IsCurrent);
        Assert.Equal(1, await _registry.GetCurrentVersionAsync("risk"));
        Assert.Equal([true, false, false], (await _registry.ListVersionsAsync("risk")).Select(v => v.IsCurrent));

        var adopted = await _registry.SaveIfCurrentAsync("risk", 1, "ftrl", TrainedModel(400), parentVersions: [1]);
        Assert.True(adopted.IsCurrent);
        Assert.Equal(4, await _registry.GetCurrentVersionAsync("risk"));

        // A rollback between a conditional save's write and its pointer move also wins.
        var store = new InterceptingStateStore(_store);
        var registry = new StateStoreModelRegistry(store, _time);
        store.After(key => key == StateStoreModelRegistry.VersionKey("risk", 5), async () => await registry.RollbackAsync("risk", 2));
        Assert.False((await registry.SaveIfCurrentAsync("risk", 4, "ftrl", TrainedModel(500))).IsCurrent);
        Assert.Equal(2, await registry.GetCurrentVersionAsync("risk"));
    }

    [Fact]
    public async Task Models_are_stored_LZ4_compressed()
    {
        var data = new byte[100_000];
        await _registry.SaveAsync("zeros", "test", data);
        var stored = await _store.GetAsync(StateStoreModelRegistry.VersionKey("zeros", 1));
        Assert.NotNull(stored);
        Assert.True(stored.Value.Length < 2_000, $"{stored.Value.Length} bytes stored");
        Assert.Equal(data, (await _registry.LoadAsync("zeros")).Data.ToArray());
    }

    [Fact]
    public async Task A_corrupt_version_fails_clearly_and_never_replaces_a_good_one()
    {
        await _registry.SaveAsync("risk", "ftrl", TrainedModel(100));
        await _registry.SaveAsync("risk", "ftrl", TrainedModel(200));
        await _store.PutAsync(StateStoreModelRegistry.VersionKey("risk", 2), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });

        var error = await Assert.ThrowsAsync<ModelCorruptedException>(async () => await _registry.LoadAsync("risk"));
        Assert.Contains("'risk' version 2", error.Message, StringComparison.Ordinal);

        await _registry.RollbackAsync("risk", 1);
        await Assert.ThrowsAsync<ModelCorruptedException>(async () => await _registry.RollbackAsync("risk", 2));
        Assert.Equal(1, await _registry.GetCurrentVersionAsync("risk"));

        var list = await _registry.ListVersionsAsync("risk");
        Assert.Null(list[0].Corruption);
        Assert.Contains("not a model envelope", list[1].Corruption, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_data_is_caught_by_the_content_hash()
    {
        var data = TrainedModel(100);
        await _registry.SaveAsync("risk", "ftrl", data);
        var tampered = (byte[])data.Clone();
        tampered[^1] ^= 0xFF;
        var forged = new LearningModel
        {
            ModelId = "risk",
            Version = 1,
            ModelType = "ftrl",
            ModelData = ByteString.CopyFrom(tampered),
            ContentHash = ByteString.CopyFrom(SHA256.HashData(data)),
        };
        await _store.PutAsync(StateStoreModelRegistry.VersionKey("risk", 1), StateStoreModelRegistry.Encode(forged));

        var error = await Assert.ThrowsAsync<ModelCorruptedException>(async () => await _registry.LoadAsync("risk"));
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_and_invalid_ids_fail_clearly()
    {
        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(async () => await _registry.LoadAsync("nope"));
        Assert.Contains("'nope'", unknown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await _registry.ListVersionsAsync("nope"));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await _registry.RollbackAsync("nope", 1));
        Assert.Null(await _registry.GetCurrentVersionAsync("nope"));

        await Assert.ThrowsAsync<ArgumentException>(async () => await _registry.LoadAsync("../etc"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _registry.SaveAsync("ok", "t", ReadOnlyMemory<byte>.Empty));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _registry.SaveAsync("ok", "t", new byte[] { 1 }, new Dictionary<string, double> { ["auc"] = double.NaN }));
        var parent = await Assert.ThrowsAsync<ArgumentException>(async () => await _registry.SaveAsync("ok", "t", new byte[] { 1 }, parentVersions: [7]));
        Assert.Contains("parent version 7", parent.Message, StringComparison.Ordinal);

        await _registry.SaveAsync("ok", "t", new byte[] { 1 });
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await _registry.LoadAsync("ok", 99));
        Assert.Equal(1, await _registry.GetCurrentVersionAsync("ok"));
    }
}
