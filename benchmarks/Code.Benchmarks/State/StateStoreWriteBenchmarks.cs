using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Code.Core.Persistence;
using Code.Core.State;
using Code.Core.State.Faster;
using Code.Core.State.Redis;
using Code.Testing;
using FASTER.core;

namespace Code.Benchmarks.State;

/// <summary>
/// Single-writer upserts, compare-and-swaps and 100-entry prefix scans. The FASTER store's writes are
/// durable (each waits for its own log flush: no other writer shares it), so they are measured against
/// the non-durable anchors for scale, not as equals; see <see cref="StateDurablePutBenchmarks"/> for
/// concurrent durable writers.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class StateStoreWriteBenchmarks : IDisposable
{
    private const int FastOps = 10_000;
    private const int DurableOps = 200;
    private const int RedisOps = 1_000;

    private string _directory = null!;
    private FasterStateStore _faster = null!;
    private InMemoryStateStore _memory = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private FasterKV<SpanByte, SpanByte> _raw = null!;
    private IDevice _rawDevice = null!;
    private ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> _rawSession = null!;
    private GarnetServerFixture _garnet = null!;
    private RedisStateStore _redis = null!;
    private long _fasterVersion;
    private long _memoryVersion;
    private long _redisVersion;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = StateBenchmarkData.TemporaryDirectory("write");
        _faster = await FasterStateStore.OpenAsync(new FasterStateStoreSettings(Path.Combine(_directory, "store")) { IndexBuckets = 1 << 16 });
        _memory = new InMemoryStateStore();
        _dictionary = new ConcurrentDictionary<string, byte[]>();
        _rawDevice = Devices.CreateLogDevice(Path.Combine(_directory, "raw", "hlog.log"), deleteOnClose: true);
        _raw = new FasterKV<SpanByte, SpanByte>(new FasterKVSettings<SpanByte, SpanByte>
        {
            IndexSize = (1L << 16) * 64,
            LogDevice = _rawDevice,
            MemorySize = 1L << 28,
            PageSize = 1L << 25,
        });
        _rawSession = _raw.For(new SpanByteFunctions_ByteArrayOutput<Empty>()).NewSession<SpanByteFunctions_ByteArrayOutput<Empty>>();
        _garnet = new GarnetServerFixture();
        _redis = await RedisStateStore.ConnectAsync(_garnet.Configuration, GarnetServerFixture.UniquePrefix(), StateLimits.Default, StoredValueCodec.Plain, TimeProvider.System);

        // The scan data: 1000 keys under scan/, read 100 at a time.
        var scanKeys = Enumerable.Range(0, 1000).Select(i => $"scan/{i:D6}").ToArray();
        await Task.WhenAll(scanKeys.Select(k => _faster.PutAsync(k, StateBenchmarkData.Value).AsTask()));
        foreach (var key in scanKeys)
        {
            await _memory.PutAsync(key, StateBenchmarkData.Value);
            await _redis.PutAsync(key, StateBenchmarkData.Value);
        }

        _fasterVersion = await _faster.PutAsync("cas/counter", StateBenchmarkData.Value);
        _memoryVersion = await _memory.PutAsync("cas/counter", StateBenchmarkData.Value);
        _redisVersion = await _redis.PutAsync("cas/counter", StateBenchmarkData.Value);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _faster.DisposeAsync();
        await _redis.DisposeAsync();
        _rawSession.Dispose();
        Dispose();
        _rawDevice.Dispose();
        StateBenchmarkData.DeleteDirectory(_directory);
    }

    public void Dispose()
    {
        _memory?.Dispose();
        _garnet?.Dispose();
        _raw?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FastOps, Description = "upsert: raw FasterKV (not durable)")]
    public void UpsertRawFasterKv()
    {
        var value = StateBenchmarkData.Value;
        using var valuePin = value.AsMemory().Pin();
        var v = SpanByte.FromFixedSpan(value.AsSpan());
        for (var i = 0; i < FastOps; i++)
        {
            var key = StateBenchmarkData.KeyBytes[i % StateBenchmarkData.KeyCount];
            using var keyPin = key.AsMemory().Pin();
            var k = SpanByte.FromFixedSpan(key.AsSpan());
            _rawSession.Upsert(ref k, ref v);
        }
    }

    [Benchmark(OperationsPerInvoke = FastOps, Description = "upsert: ConcurrentDictionary")]
    public void UpsertDictionary()
    {
        for (var i = 0; i < FastOps; i++)
        {
            _dictionary[StateBenchmarkData.Keys[i % StateBenchmarkData.KeyCount]] = StateBenchmarkData.Value;
        }
    }

    [Benchmark(OperationsPerInvoke = FastOps, Description = "upsert: InMemoryStateStore")]
    public async Task UpsertInMemory()
    {
        for (var i = 0; i < FastOps; i++)
        {
            await _memory.PutAsync(StateBenchmarkData.Keys[i % StateBenchmarkData.KeyCount], StateBenchmarkData.Value);
        }
    }

    [Benchmark(OperationsPerInvoke = DurablePutsCount, Description = "upsert: FasterStateStore (durable, 1 writer)")]
    public async Task UpsertFasterStore()
    {
        for (var i = 0; i < DurablePutsCount; i++)
        {
            await _faster.PutAsync(StateBenchmarkData.Keys[i % StateBenchmarkData.KeyCount], StateBenchmarkData.Value);
        }
    }

    [Benchmark(OperationsPerInvoke = RedisOps, Description = "upsert: RedisStateStore (Garnet)")]
    public async Task UpsertRedis()
    {
        for (var i = 0; i < RedisOps; i++)
        {
            await _redis.PutAsync(StateBenchmarkData.Keys[i % StateBenchmarkData.KeyCount], StateBenchmarkData.Value);
        }
    }

    [Benchmark(OperationsPerInvoke = FastOps, Description = "CAS: InMemoryStateStore")]
    public async Task CasInMemory()
    {
        for (var i = 0; i < FastOps; i++)
        {
            _memoryVersion = (await _memory.CompareAndSwapAsync("cas/counter", _memoryVersion, StateBenchmarkData.Value)).Version;
        }
    }

    [Benchmark(OperationsPerInvoke = DurablePutsCount, Description = "CAS: FasterStateStore (durable, 1 writer)")]
    public async Task CasFasterStore()
    {
        for (var i = 0; i < DurablePutsCount; i++)
        {
            _fasterVersion = (await _faster.CompareAndSwapAsync("cas/counter", _fasterVersion, StateBenchmarkData.Value)).Version;
        }
    }

    [Benchmark(OperationsPerInvoke = RedisOps, Description = "CAS: RedisStateStore (Garnet, Lua)")]
    public async Task CasRedis()
    {
        for (var i = 0; i < RedisOps; i++)
        {
            _redisVersion = (await _redis.CompareAndSwapAsync("cas/counter", _redisVersion, StateBenchmarkData.Value)).Version;
        }
    }

    [Benchmark(Description = "scan 100: InMemoryStateStore")]
    public async Task<int> ScanInMemory() => (await _memory.ScanAsync("scan/", "scan/000400", 100)).Entries.Count;

    [Benchmark(Description = "scan 100: FasterStateStore")]
    public async Task<int> ScanFasterStore() => (await _faster.ScanAsync("scan/", "scan/000400", 100)).Entries.Count;

    [Benchmark(Description = "scan 100: RedisStateStore (Garnet)")]
    public async Task<int> ScanRedis() => (await _redis.ScanAsync("scan/", "scan/000400", 100)).Entries.Count;

    private const int DurablePutsCount = DurableOps;
}
