using Code.Core.Configuration;
using Code.Core.State;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Core.Tests.State;

public sealed class StateStoreRegistrationTests
{
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
