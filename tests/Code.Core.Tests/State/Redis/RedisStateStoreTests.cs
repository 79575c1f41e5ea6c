using Code.Core.Persistence;
using Code.Core.State;
using Code.Core.State.Redis;
using Code.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.State.Redis;

/// <summary>The Redis-protocol store against the <see cref="IStateStore"/> contract, on a real (Garnet) server.</summary>
public sealed class RedisStateStoreTests(GarnetServerFixture server) : StateStoreContractTests, IClassFixture<GarnetServerFixture>
{
    private protected override async Task<IStateStore> OpenStoreAsync(FakeTimeProvider time, StateLimits limits, int historyCapacity) =>
        await RedisStateStore.ConnectAsync(
            server.Configuration, GarnetServerFixture.UniquePrefix(), limits, new StoredValueCodec(1024), time, historyCapacity);

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
    public async Task Disposing_the_store_ends_its_watches()
    {
        var store = await RedisStateStore.ConnectAsync(server.Configuration, GarnetServerFixture.UniquePrefix(), StateLimits.Default, StoredValueCodec.Plain, Time);
        var watch = TakeAsync(store.WatchAsync("", 0), 5);
        await store.PutAsync("k", Bytes("v"));
        await Task.Delay(100);

        await store.DisposeAsync();

        Assert.Single(await watch.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
