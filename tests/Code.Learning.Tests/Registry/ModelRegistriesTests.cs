using Code.Core.State;
using Code.Learning.Registry;

namespace Code.Learning.Tests.Registry;

public class ModelRegistriesTests
{
    [Fact]
    public async Task Create_gives_a_registry_over_the_store()
    {
        using var store = new InMemoryStateStore();
        var registry = ModelRegistries.Create(store);
        var saved = await registry.SaveAsync("m", "test", new byte[] { 1, 2, 3 });
        Assert.Equal(1, saved.Version);
        Assert.NotNull(await store.GetAsync(StateStoreModelRegistry.CurrentKey("m")));
        Assert.Equal(new byte[] { 1, 2, 3 }, (await registry.LoadAsync("m")).Data.ToArray());
    }
}
