using Code.Core.State;

namespace Code.Learning.Registry;

/// <summary>Creates model registries for hosts that do not use dependency injection (with DI, resolve <see cref="IModelRegistry"/>).</summary>
public static class ModelRegistries
{
    /// <summary>Creates a registry that keeps models in <paramref name="store"/> under <c>learning/models/</c>.</summary>
    /// <param name="store">The state store.</param>
    /// <param name="timeProvider">The clock of the versions' creation times; the system clock when <see langword="null"/>.</param>
    /// <returns>The registry.</returns>
    public static IModelRegistry Create(IStateStore store, TimeProvider? timeProvider = null) => new StateStoreModelRegistry(store, timeProvider);
}
