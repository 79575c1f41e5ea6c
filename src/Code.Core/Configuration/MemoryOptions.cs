using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration;

/// <summary>Memory budgets and size limits (config.toml section <c>memory</c>).</summary>
public sealed class MemoryOptions
{
    /// <summary>Gets or sets the largest message, in bytes, the message engine accepts; larger ones are refused with an error.</summary>
    /// <value>The default value is 1048576 (1 MiB); allowed 1024 to 268435456.</value>
    [ConfigurationKeyName("max_message_size")]
    public int MaxMessageSize { get; set; } = CodeDefaults.MaxMessageSize;

    /// <summary>Gets or sets the in-memory budget, in bytes, of the state store's log (FASTER's mutable and read-only region).</summary>
    /// <value>The default value is 268435456 (256 MiB); allowed 1048576 to 68719476736.</value>
    [ConfigurationKeyName("cache_size")]
    public long CacheSize { get; set; } = CodeDefaults.CacheSize;

    /// <summary>Gets or sets the number of hash buckets of the state store's index.</summary>
    /// <value>The default value is 1048576; must be a power of two from 1024 to 1073741824.</value>
    [ConfigurationKeyName("index_buckets")]
    public long IndexBuckets { get; set; } = CodeDefaults.IndexBuckets;

    /// <summary>Gets or sets the longest state key, in UTF-8 bytes.</summary>
    /// <value>The default value is 1024; allowed 16 to 65535.</value>
    [ConfigurationKeyName("max_key_size")]
    public int MaxKeySize { get; set; } = CodeDefaults.MaxKeySize;

    /// <summary>Gets or sets the largest state value, in bytes.</summary>
    /// <value>The default value is 16777216 (16 MiB); allowed 1024 to 536870912.</value>
    [ConfigurationKeyName("max_value_size")]
    public int MaxValueSize { get; set; } = CodeDefaults.MaxValueSize;

    /// <summary>
    /// Gets or sets the most bytes (keys and values) of recent changes a state store keeps for watches
    /// (in memory for the embedded stores, in the change log on a Redis server), and the most a watcher may
    /// fall behind; past it, a watch ends with <c>StateHistoryUnavailableException</c>. At most 10 000 changes are kept either way.
    /// </summary>
    /// <value>The default value is 67108864 (64 MiB); allowed 1048576 to 68719476736, and at least <c>max_value_size</c>.</value>
    [ConfigurationKeyName("watch_history_size")]
    public long WatchHistorySize { get; set; } = CodeDefaults.WatchHistorySize;
}
