using Code.Core.Configuration;
using Code.Core.Persistence;
using Microsoft.Extensions.Logging;

namespace Code.Core.State.Faster;

/// <summary>How to open a <see cref="FasterStateStore"/>.</summary>
/// <param name="Directory">The store's directory (<c>&lt;core.data_dir&gt;/state</c>).</param>
internal sealed record FasterStateStoreSettings(string Directory)
{
    /// <summary>Gets the key and value size limits.</summary>
    public StateLimits Limits { get; init; } = StateLimits.Default;

    /// <summary>Gets the clock of checkpoints and leases.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the interval between periodic checkpoints (<c>persistence.checkpoint_interval</c>).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(CodeDefaults.CheckpointInterval);

    /// <summary>Gets the in-memory budget of FASTER's log in bytes (<c>memory.cache_size</c>).</summary>
    public long CacheSizeBytes { get; init; } = CodeDefaults.CacheSize;

    /// <summary>Gets the number of hash buckets of FASTER's index (<c>memory.index_buckets</c>).</summary>
    public long IndexBuckets { get; init; } = CodeDefaults.IndexBuckets;

    /// <summary>Gets the codec of values at rest (compression, encryption).</summary>
    public StoredValueCodec Codec { get; init; } = StoredValueCodec.Plain;

    /// <summary>Gets how many recent changes are kept for watches that start in the past.</summary>
    public int HistoryCapacity { get; init; } = InMemoryStateStore.DefaultHistoryCapacity;

    /// <summary>Gets how many checkpoints are kept (at least 2, so a damaged newest one has a fallback).</summary>
    public int RetainedCheckpoints { get; init; } = 2;

    /// <summary>Gets the logger of recovery reports and checkpoint failures.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Gets the factory of the store's <c>Code.Core</c> meter; the process-wide meter when <see langword="null"/>.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; init; }
}
