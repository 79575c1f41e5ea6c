using System.Text;
using Code.Core.Persistence.Protos;
using Code.Core.State;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.State;

/// <summary>
/// The <see cref="IStateStore"/> contract. Every store runs this suite through a subclass that
/// says how to open it; a store passes only if it behaves exactly like the others.
/// </summary>
public abstract class StateStoreContractTests : IAsyncLifetime
{
    protected const int HistoryCapacity = 64;

    private IStateStore? _store;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The most bytes of keys and values the watch history of <see cref="Limits"/> holds: four changes of 4000 incompressible bytes.</summary>
    protected const int HistoryBytes = 16_384;

    /// <summary>Keys up to 64 bytes, values up to 4096, scan pages up to 10 000 value bytes, watch history up to <see cref="HistoryBytes"/>.</summary>
    private protected static StateLimits Limits { get; } = new(64, 4096, maxScanBytes: 10_000, maxHistoryBytes: HistoryBytes);

    protected IStateStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _store = await OpenStoreAsync(Time, Limits, HistoryCapacity);

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>Opens a new, empty store with the given clock, size limits and watch-history capacity.</summary>
    private protected abstract Task<IStateStore> OpenStoreAsync(FakeTimeProvider time, StateLimits limits, int historyCapacity);

    /// <summary>Gets a value indicating whether the store's leases expire by the injected clock (which the tests move), not a server's.</summary>
    private protected virtual bool LeasesUseTheInjectedClock => true;

    /// <summary>Reads the clock the store's leases expire by.</summary>
    private protected virtual Task<DateTimeOffset> ReadLeaseClockAsync() => Task.FromResult(Time.GetUtcNow());

    /// <summary>Returns once the clock the store's leases expire by is past <paramref name="instant"/>.</summary>
    private protected virtual Task LetLeaseClockPassAsync(DateTimeOffset instant)
    {
        if (Time.GetUtcNow() <= instant)
        {
            Time.Advance(instant - Time.GetUtcNow() + TimeSpan.FromMilliseconds(1));
        }

        return Task.CompletedTask;
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>Seeded random bytes: a store that compresses values keeps them at full size.</summary>
    protected static byte[] Incompressible(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_new_store_is_empty_at_revision_zero()
    {
        Assert.Equal(0, await Store.GetRevisionAsync());
        Assert.Null(await Store.GetAsync("missing"));
        Assert.Empty((await Store.ScanAsync("")).Entries);
    }

    [Fact]
    public async Task Put_then_get_returns_the_value_and_the_revision_as_version()
    {
        var version = await Store.PutAsync("a", Bytes("one"));

        var entry = await Store.GetAsync("a");

        Assert.NotNull(entry);
        Assert.Equal("a", entry.Key);
        Assert.Equal("one", Text(entry.Value));
        Assert.Equal(version, entry.Version);
        Assert.Equal(version, await Store.GetRevisionAsync());
        Assert.True(version > 0);
    }

    [Fact]
    public async Task Every_write_gets_a_larger_version_across_keys()
    {
        var v1 = await Store.PutAsync("a", Bytes("1"));
        var v2 = await Store.PutAsync("b", Bytes("2"));
        var v3 = await Store.PutAsync("a", Bytes("3"));

        Assert.True(v1 < v2 && v2 < v3);
        Assert.Equal(v3, (await Store.GetAsync("a"))!.Version);
        Assert.Equal(v2, (await Store.GetAsync("b"))!.Version);
        Assert.Equal(v3, await Store.GetRevisionAsync());
    }

    [Fact]
    public async Task The_stored_value_is_a_copy_of_the_callers_buffer()
    {
        var buffer = Bytes("abc");
        await Store.PutAsync("k", buffer);
        buffer[0] = (byte)'X';

        Assert.Equal("abc", Text((await Store.GetAsync("k"))!.Value));
    }

    [Fact]
    public async Task Compare_and_swap_with_zero_creates_only_when_absent()
    {
        var created = await Store.CompareAndSwapAsync("k", StateVersion.Absent, Bytes("first"));
        var again = await Store.CompareAndSwapAsync("k", StateVersion.Absent, Bytes("second"));

        Assert.True(created.Succeeded);
        Assert.False(again.Succeeded);
        Assert.Equal(created.Version, again.Version);
        Assert.Equal("first", Text((await Store.GetAsync("k"))!.Value));
    }

    [Fact]
    public async Task Compare_and_swap_with_a_stale_version_fails_with_the_current_version_and_writes_nothing()
    {
        var v1 = await Store.PutAsync("k", Bytes("1"));
        var v2 = await Store.PutAsync("k", Bytes("2"));
        var revision = await Store.GetRevisionAsync();

        var stale = await Store.CompareAndSwapAsync("k", v1, Bytes("stale"));

        Assert.Equal(new StateWriteResult(false, v2), stale);
        Assert.Equal("2", Text((await Store.GetAsync("k"))!.Value));
        Assert.Equal(revision, await Store.GetRevisionAsync());
    }

    [Fact]
    public async Task Compare_and_swap_with_the_current_version_writes_and_returns_the_new_version()
    {
        var v1 = await Store.PutAsync("k", Bytes("1"));

        var swapped = await Store.CompareAndSwapAsync("k", v1, Bytes("2"));

        Assert.True(swapped.Succeeded);
        Assert.True(swapped.Version > v1);
        Assert.Equal(new StateEntry("k", (await Store.GetAsync("k"))!.Value, swapped.Version).Version, (await Store.GetAsync("k"))!.Version);
        Assert.Equal("2", Text((await Store.GetAsync("k"))!.Value));
    }

    [Fact]
    public async Task Compare_and_swap_on_an_absent_key_with_a_version_fails_with_zero()
    {
        var result = await Store.CompareAndSwapAsync("nope", 5, Bytes("x"));

        Assert.Equal(new StateWriteResult(false, 0), result);
        Assert.Null(await Store.GetAsync("nope"));
    }

    [Fact]
    public async Task Delete_removes_the_key_and_a_recreated_key_has_a_larger_version()
    {
        var v1 = await Store.PutAsync("k", Bytes("1"));

        var deleted = await Store.DeleteAsync("k");
        var missing = await Store.DeleteAsync("k");
        var v2 = await Store.PutAsync("k", Bytes("2"));

        Assert.True(deleted.Succeeded);
        Assert.True(deleted.Version > v1);
        Assert.Equal(new StateWriteResult(false, 0), missing);
        Assert.True(v2 > deleted.Version);
        Assert.Equal(v2, (await Store.GetAsync("k"))!.Version);
    }

    [Fact]
    public async Task Delete_with_a_stale_version_keeps_the_key()
    {
        var v1 = await Store.PutAsync("k", Bytes("1"));
        var v2 = await Store.PutAsync("k", Bytes("2"));

        var stale = await Store.DeleteAsync("k", v1);
        var current = await Store.DeleteAsync("k", v2);

        Assert.Equal(new StateWriteResult(false, v2), stale);
        Assert.True(current.Succeeded);
        Assert.Null(await Store.GetAsync("k"));
    }

    [Fact]
    public async Task Scan_returns_only_the_prefix_in_ordinal_order()
    {
        foreach (var key in new[] { "app/b", "app/a", "app/B", "apq", "ap", "app/é", "app/a/1", "zz" })
        {
            await Store.PutAsync(key, Bytes(key));
        }

        var page = await Store.ScanAsync("app/");

        string[] expected = ["app/B", "app/a", "app/a/1", "app/b", "app/é"];
        Assert.Equal(expected, page.Entries.Select(e => e.Key));
        Assert.All(page.Entries, e => Assert.Equal(e.Key, Text(e.Value)));
        Assert.Null(page.ContinuationKey);
    }

    [Fact]
    public async Task Scan_pages_visit_every_key_once_in_order()
    {
        var keys = Enumerable.Range(0, 23).Select(i => $"p/{i:D3}").ToList();
        foreach (var key in keys.AsEnumerable().Reverse())
        {
            await Store.PutAsync(key, Bytes(key));
        }

        await Store.PutAsync("q/000", Bytes("other"));

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await Store.ScanAsync("p/", continuation, limit: 5);
            Assert.True(page.Entries.Count <= 5);
            seen.AddRange(page.Entries.Select(e => e.Key));
            continuation = page.ContinuationKey;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(keys, seen);
        Assert.Equal(5, pages);
    }

    [Fact]
    public async Task A_scan_page_ends_early_when_its_values_reach_the_byte_limit()
    {
        for (var i = 0; i < 9; i++)
        {
            await Store.PutAsync($"big/{i}", new byte[3000]);
        }

        var pages = new List<int>();
        var seen = new List<string>();
        string? continuation = null;
        do
        {
            var page = await Store.ScanAsync("big/", continuation, limit: 100);
            pages.Add(page.Entries.Count);
            seen.AddRange(page.Entries.Select(e => e.Key));
            continuation = page.ContinuationKey;
        }
        while (continuation is not null);

        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"big/{i}"), seen);
        Assert.All(pages, count => Assert.InRange(count, 1, 3));
    }

    [Fact]
    public async Task Scan_of_an_unused_prefix_is_empty()
    {
        await Store.PutAsync("a", Bytes("1"));

        var page = await Store.ScanAsync("b");

        Assert.Empty(page.Entries);
        Assert.Null(page.ContinuationKey);
    }

    [Fact]
    public async Task Watch_from_a_revision_replays_later_changes_of_the_prefix_in_order()
    {
        await Store.PutAsync("w/before", Bytes("0"));
        var start = await Store.GetRevisionAsync();
        var v1 = await Store.PutAsync("w/a", Bytes("1"));
        await Store.PutAsync("other", Bytes("x"));
        var v2 = await Store.PutAsync("w/b", Bytes("2"));
        var deleted = await Store.DeleteAsync("w/a");

        var changes = await TakeAsync(Store.WatchAsync("w/", start), 3);

        Assert.Equal(
            new[] { (v1, StateChangeKind.Put, "w/a", "1"), (v2, StateChangeKind.Put, "w/b", "2"), (deleted.Version, StateChangeKind.Delete, "w/a", "") },
            changes.Select(c => (c.Revision, c.Kind, c.Key, Text(c.Value))));
    }

    [Fact]
    public async Task Watch_sees_changes_made_while_it_runs()
    {
        var start = await Store.GetRevisionAsync();
        var watch = TakeAsync(Store.WatchAsync("live/", start), 2);

        await Store.PutAsync("live/1", Bytes("a"));
        await Store.PutAsync("dead/1", Bytes("b"));
        await Store.PutAsync("live/2", Bytes("c"));

        var changes = await watch;
        string[] expected = ["live/1", "live/2"];
        Assert.Equal(expected, changes.Select(c => c.Key));
    }

    [Fact]
    public async Task Watch_from_a_revision_older_than_the_history_throws()
    {
        for (var i = 0; i < HistoryCapacity * 3; i++)
        {
            await Store.PutAsync($"h/{i % 7}", Bytes("v"));
        }

        await Assert.ThrowsAsync<StateHistoryUnavailableException>(() => TakeAsync(Store.WatchAsync("h/", 0), 1));
    }

    [Fact]
    public async Task Watch_history_is_bounded_by_bytes_as_well_as_by_count()
    {
        var start = await Store.GetRevisionAsync();

        // Six changes: far fewer than the history holds by count, but more bytes than it holds (four fit).
        for (var i = 0; i < 6; i++)
        {
            await Store.PutAsync($"big/{i}", Incompressible(4000, i));
        }

        var error = await Assert.ThrowsAsync<StateHistoryUnavailableException>(() => TakeAsync(Store.WatchAsync("big/", start), 6));
        Assert.Contains("watch_history_size", error.Message, StringComparison.Ordinal);
        var revision = await Store.GetRevisionAsync();
        string[] newest = ["big/3", "big/4", "big/5"];
        Assert.Equal(newest, (await TakeAsync(Store.WatchAsync("big/", revision - 3), 3)).Select(c => c.Key));
    }

    [Fact]
    public async Task A_watcher_that_falls_more_than_the_history_bytes_behind_is_ended()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var start = await Store.GetRevisionAsync();
        await using var watch = Store.WatchAsync("lag/", start).GetAsyncEnumerator(timeout.Token);
        await Store.PutAsync("lag/0", Bytes("first"));
        Assert.True(await watch.MoveNextAsync());

        // The watcher reads nothing while six large changes arrive: more bytes than the history holds.
        for (var i = 1; i <= 6; i++)
        {
            await Store.PutAsync($"lag/{i}", Incompressible(4000, i));
        }

        var error = await Assert.ThrowsAsync<StateHistoryUnavailableException>(async () =>
        {
            while (await watch.MoveNextAsync())
            {
            }
        });
        Assert.Contains("watch_history_size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_after_a_key_outside_the_prefix_starts_at_the_right_place()
    {
        foreach (var key in new[] { "a/1", "b/1", "b/2", "c/1" })
        {
            await Store.PutAsync(key, Bytes(key));
        }

        string[] fromBefore = ["b/1", "b/2"];
        Assert.Equal(fromBefore, (await Store.ScanAsync("b/", startAfter: "a/zzz")).Entries.Select(e => e.Key));
        Assert.Empty((await Store.ScanAsync("b/", startAfter: "b/9")).Entries);
        Assert.Empty((await Store.ScanAsync("b/", startAfter: "c")).Entries);
    }

    [Fact]
    public async Task A_cancelled_watch_ends()
    {
        using var cancel = new CancellationTokenSource();
        var start = await Store.GetRevisionAsync();
        var seen = new List<StateChange>();
        var watch = Task.Run(async () =>
        {
            await foreach (var change in Store.WatchAsync("c/", start, cancel.Token))
            {
                seen.Add(change);
                await cancel.CancelAsync();
            }
        });

        await Store.PutAsync("c/1", Bytes("x"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(seen);
    }

    [Fact]
    public async Task Delete_expecting_absent_on_a_present_key_changes_nothing()
    {
        var version = await Store.PutAsync("k", Bytes("v"));

        var result = await Store.DeleteAsync("k", StateVersion.Absent);

        Assert.Equal(new StateWriteResult(false, version), result);
        Assert.NotNull(await Store.GetAsync("k"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.DeleteAsync("k", -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Store.WatchAsync("", -2));
    }

    [Fact]
    public async Task Invalid_keys_and_values_are_refused_and_nothing_is_written()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.PutAsync(null!, Bytes("v")));
        var empty = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.PutAsync("", Bytes("v")));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        var longKey = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.PutAsync(new string('k', 65), Bytes("v")));
        Assert.Contains("max_key_size", longKey.Message, StringComparison.Ordinal);
        var wideKey = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.GetAsync(new string('é', 33)));
        Assert.Contains("66 UTF-8 bytes", wideKey.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.PutAsync("bad\uD800", Bytes("v")));
        var emptyValue = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.PutAsync("k", ReadOnlyMemory<byte>.Empty));
        Assert.Contains("empty", emptyValue.Message, StringComparison.Ordinal);
        var bigValue = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.CompareAndSwapAsync("k", 0, new byte[4097]));
        Assert.Contains("max_value_size", bigValue.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.PutAsync("$lease/mine", Bytes("v")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.CompareAndSwapAsync("k", -1, Bytes("v")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ScanAsync("", limit: 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ScanAsync("", limit: 10_001));

        Assert.Equal(0, await Store.GetRevisionAsync());
        Assert.Empty((await Store.ScanAsync("")).Entries);
    }

    [Fact]
    public async Task Reads_refuse_the_keys_that_writes_refuse_with_the_same_errors()
    {
        string[] invalid = ["", new string('k', 65), new string('é', 33), "bad\uD800", "\uDC00bad", "a\uD800b", "$lease/mine", new string('k', 400)];
        foreach (var key in invalid)
        {
            var write = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.PutAsync(key, Bytes("v")));
            var read = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.GetAsync(key));
            Assert.Equal(write.Message, read.Message);
            Assert.Equal("key", read.ParamName);
        }

        var missing = await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.GetAsync(null!));
        Assert.Equal("key", missing.ParamName);
        Assert.Equal(0, await Store.GetRevisionAsync());
    }

    [Fact]
    public async Task Keys_with_multi_byte_characters_are_read_back_up_to_the_byte_limit()
    {
        string[] keys = [new string('é', 32), "ключ/\U0001F600", new string('€', 21) + "k"];
        foreach (var key in keys)
        {
            var version = await Store.PutAsync(key, Bytes(key));
            var entry = await Store.GetAsync(key);
            Assert.NotNull(entry);
            Assert.Equal(key, entry.Key);
            Assert.Equal(version, entry.Version);
            Assert.Equal(Bytes(key), entry.Value.ToArray());
        }
    }

    [Fact]
    public async Task Keys_and_values_at_the_limits_are_accepted()
    {
        var key = new string('k', 64);
        var value = new byte[4096];
        value[^1] = 7;

        await Store.PutAsync(key, value);

        Assert.Equal(value, (await Store.GetAsync(key))!.Value.ToArray());
    }

    [Fact]
    public async Task A_lease_has_one_holder_until_it_expires_and_the_next_holder_gets_a_larger_token()
    {
        var before = await ReadLeaseClockAsync();
        var first = await Store.TryAcquireLeaseAsync("rollout/api", "host-a", TimeSpan.FromSeconds(30));
        var after = await ReadLeaseClockAsync();
        var contender = await Store.TryAcquireLeaseAsync("rollout/api", "host-b", TimeSpan.FromSeconds(30));

        Assert.NotNull(first);
        Assert.Null(contender);
        Assert.InRange(first.ExpiresAt, Milliseconds(before) + TimeSpan.FromSeconds(30), after + TimeSpan.FromSeconds(30));

        // Renewed to expire at once, so that the store's clock (a server's, for a shared store) soon passes it.
        var expiring = await Store.RenewLeaseAsync(first, TimeSpan.FromMilliseconds(1));
        Assert.NotNull(expiring);
        await LetLeaseClockPassAsync(expiring.ExpiresAt);
        var second = await Store.TryAcquireLeaseAsync("rollout/api", "host-b", TimeSpan.FromSeconds(30));

        Assert.NotNull(second);
        Assert.Equal("host-b", second.Owner);
        Assert.True(second.FencingToken > first.FencingToken);
        Assert.Null(await Store.RenewLeaseAsync(first, TimeSpan.FromSeconds(30)));
        Assert.False(await Store.ReleaseLeaseAsync(first));
    }

    [Fact]
    public async Task A_renewed_lease_keeps_its_token_and_outlives_its_first_expiry()
    {
        var lease = await Store.TryAcquireLeaseAsync("l", "a", TimeSpan.FromSeconds(10));
        var renewed = await Store.RenewLeaseAsync(lease!, TimeSpan.FromMinutes(1));

        Assert.NotNull(renewed);
        Assert.Equal(lease!.FencingToken, renewed.FencingToken);
        Assert.True(renewed.ExpiresAt >= lease.ExpiresAt + TimeSpan.FromSeconds(50));
        if (LeasesUseTheInjectedClock)
        {
            // Past the first expiry (a server's clock cannot be moved, so shared stores check the expiry above).
            await LetLeaseClockPassAsync(lease.ExpiresAt);
        }

        Assert.Null(await Store.TryAcquireLeaseAsync("l", "b", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_released_lease_can_be_taken_at_once_with_a_larger_token()
    {
        var lease = await Store.TryAcquireLeaseAsync("l", "a", TimeSpan.FromMinutes(5));

        Assert.True(await Store.ReleaseLeaseAsync(lease!));
        Assert.False(await Store.ReleaseLeaseAsync(lease!));
        var next = await Store.TryAcquireLeaseAsync("l", "b", TimeSpan.FromMinutes(5));

        Assert.NotNull(next);
        Assert.True(next.FencingToken > lease!.FencingToken);
    }

    [Fact]
    public async Task Lease_records_are_invisible_to_scans_and_watches()
    {
        var start = await Store.GetRevisionAsync();
        await Store.TryAcquireLeaseAsync("l", "a", TimeSpan.FromMinutes(5));
        await Store.PutAsync("data", Bytes("x"));

        var changes = await TakeAsync(Store.WatchAsync("", start), 1);

        string[] expected = ["data"];
        Assert.Equal(expected, (await Store.ScanAsync("")).Entries.Select(e => e.Key));
        Assert.Equal(expected, changes.Select(c => c.Key));
    }

    [Fact]
    public async Task Lease_arguments_are_checked()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.TryAcquireLeaseAsync("", "a", TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.TryAcquireLeaseAsync("l", "", TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.TryAcquireLeaseAsync("l", "a", TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.ReleaseLeaseAsync(null!));
    }

    [Fact]
    public async Task Protobuf_messages_round_trip_with_their_version()
    {
        var model = new LearningModel { ModelId = "m", Version = 3, ModelType = "ftrl", ModelData = ByteString.CopyFrom(1, 2, 3) };

        var version = await Store.PutMessageAsync("models/m", model);
        var read = await Store.GetMessageAsync<LearningModel>("models/m");
        var swapped = await Store.CompareAndSwapMessageAsync("models/m", version, new LearningModel { ModelId = "m", Version = 4 });

        Assert.Equal(model, read!.Message);
        Assert.Equal(version, read.Version);
        Assert.True(swapped.Succeeded);
        Assert.Equal(4, (await Store.GetMessageAsync<LearningModel>("models/m"))!.Message.Version);
        Assert.Null(await Store.GetMessageAsync<LearningModel>("models/none"));
    }

    [Fact]
    public async Task A_value_that_is_not_the_message_type_is_reported_not_returned_as_garbage()
    {
        await Store.PutAsync("models/bad", new byte[] { 0xFF, 0xFF, 0xFF, 0xFF });

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await Store.GetMessageAsync<LearningModel>("models/bad"));

        Assert.Contains("models/bad", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.PutMessageAsync("models/empty", new LearningModel()));
    }

    [Fact]
    public async Task Concurrent_compare_and_swap_increments_lose_nothing()
    {
        const int Writers = 16;
        const int IncrementsPerWriter = 25;
        string[] keys = ["counter/a", "counter/b"];

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < IncrementsPerWriter; i++)
            {
                var key = keys[(w + i) % keys.Length];
                while (true)
                {
                    var current = await Store.GetAsync(key);
                    var count = current is null ? 0 : BitConverter.ToInt64(current.Value.Span);
                    var result = await Store.CompareAndSwapAsync(key, current?.Version ?? 0, BitConverter.GetBytes(count + 1));
                    if (result.Succeeded)
                    {
                        break;
                    }
                }
            }
        })));

        var total = 0L;
        foreach (var key in keys)
        {
            total += BitConverter.ToInt64((await Store.GetAsync(key))!.Value.Span);
        }

        Assert.Equal(Writers * IncrementsPerWriter, total);
    }

    private static DateTimeOffset Milliseconds(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());

    protected static async Task<List<StateChange>> TakeAsync(IAsyncEnumerable<StateChange> changes, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var taken = new List<StateChange>();
        await foreach (var change in changes.WithCancellation(timeout.Token))
        {
            taken.Add(change);
            if (taken.Count == count)
            {
                break;
            }
        }

        return taken;
    }
}
