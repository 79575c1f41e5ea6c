using Code.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Code.Core.State;

/// <summary>Creates the <see cref="IStateStore"/> that <c>persistence.store</c> selects.</summary>
internal static class StateStoreFactory
{
    public static IStateStore Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CodeOptions>>().Value;
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        return options.Persistence.Store switch
        {
            StateStoreNames.Memory => new InMemoryStateStore(timeProvider, options.Memory),
            _ => throw new InvalidOperationException(
                $"persistence.store '{options.Persistence.Store}' has no state store in this build; use '{StateStoreNames.Memory}'."),
        };
    }
}
