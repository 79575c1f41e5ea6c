using Code.Core.State;
using Code.Core.State.Faster;
using Code.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.State;

/// <summary>
/// The stores are built with a meter factory of the test's own and only its meter is observed, so these tests run in
/// parallel with every other without counting their operations.
/// </summary>
public sealed class StateStoreMetricsTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("code-metrics");
    private readonly TestMeterFactory _meterFactory = new();
    private readonly MetricRecorder _recorder;

    public StateStoreMetricsTests()
    {
        _recorder = new MetricRecorder(_meterFactory, "code.core.state.");
    }

    private IReadOnlyList<RecordedMeasurement> Measurements => _recorder.Measurements;

    public void Dispose()
    {
        _recorder.Dispose();
        _meterFactory.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Operations_are_counted_and_timed_by_store_operation_and_outcome()
    {
        await using var store = new InMemoryStateStore(meterFactory: _meterFactory);
        var version = await store.PutAsync("metrics/a", new byte[] { 1 });
        await store.CompareAndSwapAsync("metrics/a", version + 100, new byte[] { 2 });
        await store.GetAsync("metrics/a");

        Assert.Contains(Measurements, m => m.Instrument == "code.core.state.operations" && Tag(m, "code.core.state.operation") == "cas"
            && Tag(m, "code.core.state.outcome") == "conflict" && Tag(m, "code.core.state.store") == "memory");
        Assert.Contains(Measurements, m => m.Instrument == "code.core.state.operation.duration" && Tag(m, "code.core.state.operation") == "get" && m.Value >= 0);
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
            MeterFactory = _meterFactory,
        });
        await using (store)
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () => await store.PutAsync($"group/{i}", new byte[] { (byte)i }))));
            await store.CheckpointAsync();
        }

        // Each flush reports how many records it made durable; together they are every write. (How many
        // writes share one flush depends on thread scheduling, so it is not asserted here.)
        var flushes = Measurements.Where(m => m.Instrument == "code.core.state.log.flush.size").ToList();
        Assert.Equal(Writers, flushes.Sum(m => m.Value));
        Assert.All(flushes, m => Assert.True(m.Value >= 1));
        Assert.Contains(Measurements, m => m.Instrument == "code.core.state.log.flush.duration");
        Assert.Contains(Measurements, m => m.Instrument == "code.core.state.checkpoint.duration" && Tag(m, "code.core.state.outcome") == "ok");
    }

    private static string? Tag(RecordedMeasurement measurement, string name) =>
        measurement.Tags.GetValueOrDefault(name) as string;
}
