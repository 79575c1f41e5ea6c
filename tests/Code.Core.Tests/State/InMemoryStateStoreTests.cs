using Code.Core.State;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.State;

public sealed class InMemoryStateStoreTests : StateStoreContractTests
{
    private protected override Task<IStateStore> OpenStoreAsync(FakeTimeProvider time, StateLimits limits, int historyCapacity) =>
        Task.FromResult<IStateStore>(new InMemoryStateStore(time, limits, historyCapacity));

    [Fact]
    public async Task The_public_constructor_gives_a_working_store_with_default_limits()
    {
        await using var store = new InMemoryStateStore();

        var version = await store.PutAsync("k", new byte[2000]);

        Assert.Equal(version, (await store.GetAsync("k"))!.Version);
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(new string('k', 1025), new byte[1]));
    }

    [Fact]
    public async Task A_disposed_store_refuses_calls_and_ends_its_watches()
    {
        var store = new InMemoryStateStore();
        var watch = TakeAsync(store.WatchAsync("", 0), 5);
        await store.PutAsync("k", new byte[1]);

        await store.DisposeAsync();

        Assert.Single(await watch);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync("k"));
    }
}
