using Code.Core.Configuration;
using Code.Core.Persistence;
using Code.Core.State;
using Code.Core.State.Faster;
using Code.Core.State.Redis;
using Code.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Core.Tests.State;

public sealed class StateStoreRegistrationTests(GarnetServerFixture server) : IClassFixture<GarnetServerFixture>
{
    [Fact]
    public async Task Persistence_store_faster_opens_a_durable_store_under_the_data_directory()
    {
        using var directory = new TemporaryDirectory();
        var services = new ServiceCollection();
        services.AddCode(o => o.Core.DataDirectory = directory.Path).UseStateEncryption(new byte[32]);
        long version;
        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IStateStore>();
            Assert.IsType<FasterStateStore>(store);
            version = await store.PutAsync("k", new byte[] { 1, 2, 3 });
            await provider.GetRequiredService<IAuditLog>().AppendAsync(new AuditEvent("test", "put", "k", "ok"));
        }

        Assert.True(Directory.Exists(Path.Combine(directory.Path, "state", "manifests")));
        Assert.True(File.Exists(Path.Combine(directory.Path, "audit", "audit.log")));
        await using var reopened = new ServiceCollection().AddCode(o => o.Core.DataDirectory = directory.Path).UseStateEncryption(new byte[32]).Services.BuildServiceProvider();
        var reopenedStore = reopened.GetRequiredService<IStateStore>();
        Assert.Equal(version, (await reopenedStore.GetAsync("k"))!.Version);
        var recovery = Assert.IsAssignableFrom<IStateStoreRecovery>(reopenedStore).Recovery;
        Assert.Null(recovery.Damage);
        Assert.Equal(version, recovery.Revision);
    }

    [Fact]
    public async Task Persistence_store_redis_connects_to_the_configured_server()
    {
        var services = new ServiceCollection();
        services.AddCode(o =>
        {
            o.Persistence.Store = StateStoreNames.Redis;
            o.Persistence.RedisConfiguration = server.Configuration;
        });
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IStateStore>();
        var version = await store.PutAsync($"registration/{Guid.NewGuid():N}", new byte[] { 1 });

        Assert.IsType<RedisStateStore>(store);
        Assert.True(version > 0);
    }

    [Fact]
    public async Task Persistence_store_memory_gives_an_in_memory_store()
    {
        var services = new ServiceCollection();
        services.AddCode(o => o.Persistence.Store = StateStoreNames.Memory);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IStateStore>();

        Assert.IsType<InMemoryStateStore>(store);
        Assert.Same(store, provider.GetRequiredService<IStateStore>());
    }

    [Fact]
    public async Task A_host_supplied_store_is_kept()
    {
        var services = new ServiceCollection();
        await using var mine = new InMemoryStateStore();
        services.AddSingleton<IStateStore>(mine);
        services.AddCode();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<IStateStore>());
    }
}
