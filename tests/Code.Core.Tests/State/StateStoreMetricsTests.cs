using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Code.Core.State;
using Code.Core.State.Faster;
using Code.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.State;

/// <summary>Not run in parallel with other tests: the meter is process-wide, and their measurements would mix in.</summary>
[CollectionDefinition(nameof(StateStoreMetricsTests), DisableParallelization = true)]
public sealed class SerialMetricsGroup;

[Collection(nameof(StateStoreMetricsTests))]
public sealed class StateStoreMetricsTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("code-metrics");
    private readonly MeterListener _listener = new();
    private readonly ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public StateStoreMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Code.Core" && instrument.Name.StartsWith("code.core.state.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Operations_are_counted_and_timed_by_store_operation_and_outcome()
    {
        await using var store = new InMemoryStateStore();
        var version = await store.PutAsync("metrics/a", new byte[] { 1 });
        await store.CompareAndSwapAsync("metrics/a", version + 100, new byte[] { 2 });
        await store.GetAsync("metrics/a");

        Assert.Contains(_measurements, m => m.Instrument == "code.core.state.operations" && Tag(m, "code.core.state.operation") == "cas"
            && Tag(m, "code.core.state.outcome") == "conflict" && Tag(m, "code.core.state.store") == "memory");
        Assert.Contains(_measurements, m => m.Instrument == "code.core.state.operation.duration" && Tag(m, "code.core.state.operation") == "get" && m.Value >= 0);
    }

    [Fact]
    public async Task Log_flushes_count_every_durable_write_and_checkpoints_are_timed()
    {
        const int Writers = 64;
        var store = await FasterStateStore.OpenAsync(new FasterStateStoreSettings(_directory.Path)
        {
            TimeProvider = new FakeTimeProvider(),
            CacheSizeBytes = 1 << 22,
            IndexBuckets = 1 << 12,
        });
        await using (store)
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () => await store.PutAsync($"group/{i}", new byte[] { (byte)i }))));
            await store.CheckpointAsync();
        }

        // Each flush reports how many records it made durable; together they are every write. (How many
        // writes share one flush depends on thread scheduling, so it is not asserted here.)
        var flushes = _measurements.Where(m => m.Instrument == "code.core.state.log.flush.size").ToList();
        Assert.Equal(Writers, flushes.Sum(m => m.Value));
        Assert.All(flushes, m => Assert.True(m.Value >= 1));
        Assert.Contains(_measurements, m => m.Instrument == "code.core.state.log.flush.duration");
        Assert.Contains(_measurements, m => m.Instrument == "code.core.state.checkpoint.duration" && Tag(m, "code.core.state.outcome") == "ok");
    }

    private static string? Tag((string Instrument, double Value, Dictionary<string, object?> Tags) measurement, string name) =>
        measurement.Tags.GetValueOrDefault(name) as string;

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Add((instrument.Name, value, copy));
    }
}
