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
/// Point reads of 100-byte values on 2 threads: the FASTER store against raw FasterKV (same settings,
/// one session per thread, records of the store's size: 16-byte key, 109-byte version + flags + value,
/// copied into a new array as the store does), ConcurrentDictionary, the in-memory store and Redis (Garnet on loopback,
/// one thread, fewer reads: it is a network round trip).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class StateStoreReadBenchmarks : IDisposable
{
    private const int Threads = 2;
    private const int ReadsPerThread = 50_000;
    private const int RedisReads = 2_000;

    private string _directory = null!;
    private FasterStateStore _faster = null!;
    private InMemoryStateStore _memory = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private FasterKV<SpanByte, SpanByte> _raw = null!;
    private IDevice _rawDevice = null!;
    private ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>>[] _rawSessions = null!;
    private GarnetServerFixture _garnet = null!;
    private RedisStateStore _redis = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = StateBenchmarkData.TemporaryDirectory("read");
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
        _rawSessions = Enumerable.Range(0, Threads)
            .Select(_ => _raw.For(new SpanByteFunctions_ByteArrayOutput<Empty>()).NewSession<SpanByteFunctions_ByteArrayOutput<Empty>>())
            .ToArray();
        _garnet = new GarnetServerFixture();
        _redis = await RedisStateStore.ConnectAsync(_garnet.Configuration, GarnetServerFixture.UniquePrefix(), StateLimits.Default, StoredValueCodec.Plain, TimeProvider.System);

        await Task.WhenAll(StateBenchmarkData.Keys.Select(k => _faster.PutAsync(k, StateBenchmarkData.Value).AsTask()));
        foreach (var key in StateBenchmarkData.Keys.Take(RedisReads))
        {
            await _redis.PutAsync(key, StateBenchmarkData.Value);
        }

        for (var i = 0; i < StateBenchmarkData.KeyCount; i++)
        {
            await _memory.PutAsync(StateBenchmarkData.Keys[i], StateBenchmarkData.Value);
            _dictionary[StateBenchmarkData.Keys[i]] = StateBenchmarkData.Value;
            RawUpsert(_rawSessions[0], StateBenchmarkData.KeyBytes[i], StateBenchmarkData.StoredRecord);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _faster.DisposeAsync();
        await _redis.DisposeAsync();
        foreach (var session in _rawSessions)
        {
            session.Dispose();
        }

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

    [Benchmark(Baseline = true, OperationsPerInvoke = Threads * ReadsPerThread, Description = "raw FasterKV read")]
    public long RawFasterKv() => OnThreads(thread =>
    {
        long found = 0;
        var session = _rawSessions[thread];
        for (var i = 0; i < ReadsPerThread; i++)
        {
            found += RawRead(session, StateBenchmarkData.KeyBytes[(i * 7 + thread) % StateBenchmarkData.KeyCount]);
        }

        return found;
    });

    [Benchmark(OperationsPerInvoke = Threads * ReadsPerThread, Description = "FasterStateStore.GetAsync")]
    public long FasterStore() => OnThreads(thread =>
    {
        long found = 0;
        for (var i = 0; i < ReadsPerThread; i++)
        {
            var entry = StateBenchmarkData.Wait(_faster.GetAsync(StateBenchmarkData.Keys[(i * 7 + thread) % StateBenchmarkData.KeyCount]));
            found += entry!.Value.Length;
        }

        return found;
    });

    [Benchmark(OperationsPerInvoke = Threads * ReadsPerThread, Description = "InMemoryStateStore.GetAsync")]
    public long InMemoryStore() => OnThreads(thread =>
    {
        long found = 0;
        for (var i = 0; i < ReadsPerThread; i++)
        {
            found += StateBenchmarkData.Wait(_memory.GetAsync(StateBenchmarkData.Keys[(i * 7 + thread) % StateBenchmarkData.KeyCount]))!.Value.Length;
        }

        return found;
    });

    [Benchmark(OperationsPerInvoke = Threads * ReadsPerThread, Description = "ConcurrentDictionary")]
    public long Dictionary() => OnThreads(thread =>
    {
        long found = 0;
        for (var i = 0; i < ReadsPerThread; i++)
        {
            found += _dictionary[StateBenchmarkData.Keys[(i * 7 + thread) % StateBenchmarkData.KeyCount]].Length;
        }

        return found;
    });

    [Benchmark(OperationsPerInvoke = RedisReads, Description = "RedisStateStore.GetAsync (Garnet, 1 thread)")]
    public async Task<long> Redis()
    {
        long found = 0;
        for (var i = 0; i < RedisReads; i++)
        {
            found += (await _redis.GetAsync(StateBenchmarkData.Keys[i]))!.Value.Length;
        }

        return found;
    }

    private static long OnThreads(Func<int, long> work)
    {
        var results = new long[Threads];
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() => results[t] = work(t))).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return results.Sum();
    }

    private static long RawRead(ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> session, byte[] key)
    {
        using var pin = key.AsMemory().Pin();
        var k = SpanByte.FromFixedSpan(key.AsSpan());
        SpanByte input = default;
        byte[] output = null!;
        var status = session.Read(ref k, ref input, ref output, Empty.Default, 0);
        if (status.IsPending)
        {
            session.CompletePending(wait: true);
        }

        return output?.Length ?? 0;
    }

    private static void RawUpsert(ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> session, byte[] key, byte[] value)
    {
        using var keyPin = key.AsMemory().Pin();
        using var valuePin = value.AsMemory().Pin();
        var k = SpanByte.FromFixedSpan(key.AsSpan());
        var v = SpanByte.FromFixedSpan(value.AsSpan());
        session.Upsert(ref k, ref v);
    }
}
