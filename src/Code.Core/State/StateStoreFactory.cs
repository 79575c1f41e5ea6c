using Code.Core.Configuration;
using Code.Core.Persistence;
using Code.Core.State.Faster;
using Code.Core.State.Redis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Code.Core.State;

/// <summary>Creates the <see cref="IStateStore"/> that <c>persistence.store</c> selects.</summary>
internal static class StateStoreFactory
{
    /// <summary>The prefix of every key the Redis store writes on the server; the braces keep all keys in one cluster hash slot.</summary>
    public const string RedisKeyPrefix = "{code:state}";

    public static IStateStore Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CodeOptions>>().Value;
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var meterFactory = services.GetService<IMeterFactory>();
        return options.Persistence.Store switch
        {
            StateStoreNames.Memory => new InMemoryStateStore(timeProvider, options.Memory, meterFactory),
            StateStoreNames.Faster => FasterStateStore.OpenAsync(FasterSettings(options, timeProvider, services) with { MeterFactory = meterFactory }).GetAwaiter().GetResult(),
            StateStoreNames.Redis => RedisStateStore.ConnectAsync(
                options.Persistence.RedisConfiguration,
                RedisKeyPrefix,
                StateLimits.From(options.Memory),
                Codec(options, services.GetService<StateEncryptionKey>()),
                timeProvider,
                meterFactory: meterFactory).GetAwaiter().GetResult(),
            _ => throw new InvalidOperationException(
                $"persistence.store must be one of {string.Join(", ", StateStoreNames.All)}; got '{options.Persistence.Store}'."),
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
        new(options.Persistence.Compression == CompressionNames.Lz4 ? options.Persistence.CompressionThreshold : -1, key, options.Persistence.AcceptUnencryptedValues);
}
