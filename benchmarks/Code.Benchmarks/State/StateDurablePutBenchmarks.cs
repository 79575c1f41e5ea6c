using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Code.Core.State.Faster;

namespace Code.Benchmarks.State;

/// <summary>
/// Durable puts into the FASTER store from 1, 16 and 64 concurrent writers: throughput comes from group
/// commit (one log flush for everything pending). Per-put latencies are recorded and their percentiles
/// written to <c>BenchmarkDotNet.Artifacts/state-durable-latency-&lt;writers&gt;.txt</c> and the console.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class StateDurablePutBenchmarks
{
    private const int PutsPerInvoke = 3_200;

    private readonly List<double> _latencies = [];
    private string _directory = null!;
    private FasterStateStore _store = null!;

    [Params(1, 16, 64)]
    public int Writers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = StateBenchmarkData.TemporaryDirectory("durable");
        _store = await FasterStateStore.OpenAsync(new FasterStateStoreSettings(_directory) { IndexBuckets = 1 << 16 });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        StateBenchmarkData.DeleteDirectory(_directory);
        _latencies.Sort();
        if (_latencies.Count == 0)
        {
            return;
        }

        string Percentile(double p) => (_latencies[(int)Math.Min(_latencies.Count - 1, Math.Floor(p * _latencies.Count))] * 1000).ToString("F3", CultureInfo.InvariantCulture);
        var line = $"durable puts, {Writers} writers, {_latencies.Count} puts: p50 {Percentile(0.50)} ms, p90 {Percentile(0.90)} ms, p99 {Percentile(0.99)} ms, max {Percentile(1)} ms";
        Console.WriteLine(line);
        Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
        await File.WriteAllTextAsync(Path.Combine("BenchmarkDotNet.Artifacts", $"state-durable-latency-{Writers}.txt"), line + Environment.NewLine);
    }

    [Benchmark(OperationsPerInvoke = PutsPerInvoke, Description = "durable put (FasterStateStore)")]
    public async Task DurablePuts()
    {
        var perWriter = PutsPerInvoke / Writers;
        var latencies = new double[Writers][];
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new double[perWriter];
            for (var i = 0; i < perWriter; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await _store.PutAsync(StateBenchmarkData.Keys[((w * perWriter) + i) % StateBenchmarkData.KeyCount], StateBenchmarkData.Value);
                mine[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
        })));

        lock (_latencies)
        {
            foreach (var writer in latencies)
            {
                _latencies.AddRange(writer);
            }
        }
    }
}
