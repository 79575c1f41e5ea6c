using Code.Core.Persistence;
using Code.Core.State;
using Code.Core.State.Redis;
using Code.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Code.Core.Tests.State.Redis;

/// <summary>The Redis-protocol store against the <see cref="IStateStore"/> contract, on a real (Garnet) server.</summary>
public sealed class RedisStateStoreTests(GarnetServerFixture server) : StateStoreContractTests, IClassFixture<GarnetServerFixture>
{
    private RedisStateStore RedisStore => (RedisStateStore)Store;

    private protected override bool LeasesUseTheInjectedClock => false;

    private protected override async Task<IStateStore> OpenStoreAsync(FakeTimeProvider time, StateLimits limits, int historyCapacity) =>
        await RedisStateStore.ConnectAsync(
            server.Configuration, GarnetServerFixture.UniquePrefix(), limits, new StoredValueCodec(1024), time, historyCapacity);

    private protected override Task<DateTimeOffset> ReadLeaseClockAsync() => RedisStore.ReadServerTimeAsync();

    /// <summary>The server's clock cannot be moved: reads it until it is past the instant (leases in these tests expire within milliseconds).</summary>
    private protected override async Task LetLeaseClockPassAsync(DateTimeOffset instant)
    {
        while (await RedisStore.ReadServerTimeAsync() <= instant)
        {
        }
    }

    [Fact]
    public async Task Two_hosts_on_one_server_share_versions_CAS_watches_and_leases()
    {
        var prefix = GarnetServerFixture.UniquePrefix();
        await using var hostA = await RedisStateStore.ConnectAsync(server.Configuration, prefix, StateLimits.Default, StoredValueCodec.Plain, Time);
        await using var hostB = await RedisStateStore.ConnectAsync(server.Configuration, prefix, StateLimits.Default, StoredValueCodec.Plain, Time);
        var start = await hostB.GetRevisionAsync();
        var watch = TakeAsync(hostB.WatchAsync("rollout/", start), 2);

        var v1 = await hostA.PutAsync("rollout/api", Bytes("step-1"));
        var stale = await hostB.CompareAndSwapAsync("rollout/api", 0, Bytes("other"));
        var swapped = await hostB.CompareAndSwapAsync("rollout/api", v1, Bytes("step-2"));
        var leaseA = await hostA.TryAcquireLeaseAsync("rollout/api", "host-a", TimeSpan.FromMinutes(1));
        var leaseB = await hostB.TryAcquireLeaseAsync("rollout/api", "host-b", TimeSpan.FromMinutes(1));

        Assert.Equal(new StateWriteResult(false, v1), stale);
        Assert.True(swapped.Succeeded);
        Assert.Equal("step-2", Text((await hostA.GetAsync("rollout/api"))!.Value));
        Assert.NotNull(leaseA);
        Assert.Null(leaseB);
        string[] expected = ["step-1", "step-2"];
        Assert.Equal(expected, (await watch).Select(c => Text(c.Value)));
    }

    [Fact]
    public async Task Hosts_with_skewed_clocks_cannot_both_hold_one_lease_because_expiry_is_the_servers_clock()
    {
        var prefix = GarnetServerFixture.UniquePrefix();
        var serverNow = await RedisStore.ReadServerTimeAsync();
        await using var onTime = await RedisStateStore.ConnectAsync(
            server.Configuration, prefix, StateLimits.Default, StoredValueCodec.Plain, new FakeTimeProvider(serverNow));
        await using var ahead = await RedisStateStore.ConnectAsync(
            server.Configuration, prefix, StateLimits.Default, StoredValueCodec.Plain, new FakeTimeProvider(serverNow + TimeSpan.FromHours(1)));
        await using var behind = await RedisStateStore.ConnectAsync(
            server.Configuration, prefix, StateLimits.Default, StoredValueCodec.Plain, new FakeTimeProvider(serverNow - TimeSpan.FromHours(1)));

        // A host whose clock runs an hour ahead would see the lease as long expired by its own clock.
        var held = await onTime.TryAcquireLeaseAsync("rollout/api", "on-time", TimeSpan.FromMinutes(1));
        var fromAhead = await ahead.TryAcquireLeaseAsync("rollout/api", "ahead", TimeSpan.FromMinutes(1));

        // A host whose clock runs an hour behind would write an expiry already in everyone else's past.
        var before = await RedisStore.ReadServerTimeAsync();
        var heldBehind = await behind.TryAcquireLeaseAsync("rollout/web", "behind", TimeSpan.FromMinutes(1));
        var after = await RedisStore.ReadServerTimeAsync();
        var fromOnTime = await onTime.TryAcquireLeaseAsync("rollout/web", "on-time", TimeSpan.FromMinutes(1));

        Assert.NotNull(held);
        Assert.Null(fromAhead);
        Assert.NotNull(heldBehind);
        Assert.Null(fromOnTime);
        Assert.InRange(heldBehind.ExpiresAt, before + TimeSpan.FromMinutes(1), after + TimeSpan.FromMinutes(1));
        Assert.Null(await ahead.RenewLeaseAsync(held with { Owner = "ahead" }, TimeSpan.FromMinutes(1)));
        Assert.NotNull(await onTime.RenewLeaseAsync(held, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task The_change_log_on_the_server_holds_no_more_than_the_history_bytes()
    {
        var prefix = GarnetServerFixture.UniquePrefix();
        await using var store = await RedisStateStore.ConnectAsync(server.Configuration, prefix, Limits, StoredValueCodec.Plain, Time, HistoryCapacity);
        for (var i = 0; i < 20; i++)
        {
            await store.PutAsync($"big/{i}", Incompressible(4000, i));
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        var log = await connection.GetDatabase().SortedSetRangeByRankAsync(prefix + ":log");
        var bytes = log.Sum(member => (long)((byte[])member!).Length);

        Assert.Equal(4, log.Length);
        Assert.InRange(bytes, 4 * 4000, HistoryBytes);
        Assert.Equal(bytes, (long)await connection.GetDatabase().StringGetAsync(prefix + ":logbytes"));
    }

    [Fact]
    public async Task Disposing_the_store_ends_its_watches()
    {
        var store = await RedisStateStore.ConnectAsync(server.Configuration, GarnetServerFixture.UniquePrefix(), StateLimits.Default, StoredValueCodec.Plain, Time);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = store.WatchAsync("", 0).GetAsyncEnumerator(timeout.Token);
        await store.PutAsync("k", Bytes("v"));
        Assert.True(await watch.MoveNextAsync());

        await store.DisposeAsync();

        Assert.False(await watch.MoveNextAsync());
        await watch.DisposeAsync();
    }
}
