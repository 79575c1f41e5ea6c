using System.Collections.Concurrent;
using System.Text;
using Code.Core.State;
using Code.Core.State.Faster;
using Code.Testing;
using FASTER.core;
using Microsoft.Extensions.Time.Testing;
using Session = FASTER.core.ClientSession<
    FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByte, byte[], FASTER.core.Empty,
    FASTER.core.SpanByteFunctions_ByteArrayOutput<FASTER.core.Empty>>;

namespace Code.Core.Tests.State.Faster;

/// <summary>The per-processor cache of FASTER reader sessions, and closing the store while readers run.</summary>
public sealed class ReaderSessionsTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("code-faster-readers");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_session_is_never_held_by_two_readers_at_once()
    {
        using var kv = NewKv(out var device);
        using var _ = device;
        var sessions = new ReaderSessions();
        var held = new ConcurrentDictionary<Session, int>();
        var overlaps = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var session = sessions.Take(() => NewSession(kv), out var slot)!;
                if (!held.TryAdd(session, t))
                {
                    Interlocked.Increment(ref overlaps);
                }

                if (i % 64 == 0)
                {
                    Thread.Yield();
                }

                held.TryRemove(session, out int _);
                sessions.Return(session, slot);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(0, overlaps);
        // A reader whose slot and the pool are empty makes a session while others sit in other processors' slots.
        Assert.InRange(sessions.Count, 1, 8 + sessions.SlotCount);
        sessions.Close();
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public async Task Close_waits_for_a_reader_that_holds_a_session()
    {
        using var kv = NewKv(out var device);
        using var _ = device;
        var sessions = new ReaderSessions();
        var first = sessions.Take(() => NewSession(kv), out var firstSlot)!;
        var second = sessions.Take(() => NewSession(kv), out var secondSlot)!;
        sessions.Return(second, secondSlot);

        // Close records whether the held session had been given back by the time it finished.
        var returned = 0;
        using var closing = new ManualResetEventSlim();
        var close = Task.Factory.StartNew(
            () =>
            {
                closing.Set();
                sessions.Close();
                return Volatile.Read(ref returned);
            },
            TaskCreationOptions.LongRunning);
        closing.Wait();

        Volatile.Write(ref returned, 1);
        sessions.Return(first, firstSlot);

        Assert.Equal(1, await close.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public async Task Disposing_the_store_while_many_readers_run_ends_each_read_with_its_value_or_ObjectDisposedException()
    {
        const int Keys = 200;
        var store = await FasterStateStore.OpenAsync(FasterStateStoreTests.Settings(_directory.Path, _time));
        var versions = new long[Keys];
        for (var i = 0; i < Keys; i++)
        {
            versions[i] = await store.PutAsync($"key/{i}", Value(i));
        }

        var reads = 0L;
        var failures = new ConcurrentQueue<string>();
        using var started = new CountdownEvent(8);
        var readers = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            started.Signal();
            for (var i = t; ; i++)
            {
                try
                {
                    var entry = store.GetAsync($"key/{i % Keys}").AsTask().GetAwaiter().GetResult();
                    if (entry is null || entry.Version != versions[i % Keys] || !entry.Value.Span.SequenceEqual(Value(i % Keys)))
                    {
                        failures.Enqueue($"key/{i % Keys}: wrong entry");
                    }

                    Interlocked.Increment(ref reads);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (Exception e)
                {
                    failures.Enqueue($"key/{i % Keys}: {e}");
                    return;
                }
            }
        })).ToArray();
        foreach (var reader in readers)
        {
            reader.Start();
        }

        started.Wait();
        var wait = default(SpinWait);
        while (Interlocked.Read(ref reads) < 10_000)
        {
            wait.SpinOnce();
        }

        await store.DisposeAsync();
        foreach (var reader in readers)
        {
            Assert.True(reader.Join(TimeSpan.FromSeconds(30)), "A reader did not end after the store closed.");
        }

        Assert.Empty(failures);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAsync("key/0").AsTask());

        await using var reopened = await FasterStateStore.OpenAsync(FasterStateStoreTests.Settings(_directory.Path, _time));
        for (var i = 0; i < Keys; i++)
        {
            var entry = await reopened.GetAsync($"key/{i}");
            Assert.NotNull(entry);
            Assert.Equal(versions[i], entry.Version);
            Assert.Equal(Value(i), entry.Value.ToArray());
        }
    }

    private static byte[] Value(int i) => Encoding.UTF8.GetBytes($"value-{i}-{new string('v', i % 13)}");

    private static Session NewSession(FasterKV<SpanByte, SpanByte> kv) =>
        kv.For(new SpanByteFunctions_ByteArrayOutput<Empty>()).NewSession<SpanByteFunctions_ByteArrayOutput<Empty>>();

    private FasterKV<SpanByte, SpanByte> NewKv(out IDevice device)
    {
        device = Devices.CreateLogDevice(Path.Combine(_directory.Path, "hlog.log"), deleteOnClose: true);
        return new FasterKV<SpanByte, SpanByte>(new FasterKVSettings<SpanByte, SpanByte>
        {
            IndexSize = 1L << 16,
            LogDevice = device,
            MemorySize = 1L << 20,
            PageSize = 1L << 16,
        });
    }
}
