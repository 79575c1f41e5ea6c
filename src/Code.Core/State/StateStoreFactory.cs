using Code.Core.Configuration;
using Code.Core.Persistence;
using Code.Core.State.Faster;
using Microsoft.Extensions.Logging;
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
            StateStoreNames.Faster => FasterStateStore.OpenAsync(FasterSettings(options, timeProvider, services)).GetAwaiter().GetResult(),
            _ => throw new InvalidOperationException(
                $"persistence.store '{options.Persistence.Store}' has no state store in this build; use '{StateStoreNames.Faster}' or '{StateStoreNames.Memory}'."),
        };
    }

    private static FasterStateStoreSettings FasterSettings(CodeOptions options, TimeProvider timeProvider, IServiceProvider services) =>
        new(Path.GetFullPath(Path.Combine(options.Core.DataDirectory, "state")))
        {
            Limits = StateLimits.From(options.Memory),
            TimeProvider = timeProvider,
            CheckpointInterval = TimeSpan.FromSeconds(options.Persistence.CheckpointInterval),
            CacheSizeBytes = options.Memory.CacheSize,
            IndexBuckets = options.Memory.IndexBuckets,
            Codec = Codec(options, services.GetService<StateEncryptionKey>()),
            Logger = services.GetService<ILoggerFactory>()?.CreateLogger("Code.Core.State.FasterStateStore"),
        };

    internal static StoredValueCodec Codec(CodeOptions options, StateEncryptionKey? key) =>
        new(options.Persistence.Compression == CompressionNames.Lz4 ? options.Persistence.CompressionThreshold : -1, key is null ? default : key.Key);
}
