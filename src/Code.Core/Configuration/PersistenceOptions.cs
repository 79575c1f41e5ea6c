using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration;

/// <summary>Durability, compression and store selection (config.toml section <c>persistence</c>).</summary>
public sealed class PersistenceOptions
{
    /// <summary>Gets or sets which state store backs the host: <c>faster</c>, <c>memory</c> or <c>redis</c>.</summary>
    /// <value>The default value is <c>faster</c>.</value>
    [ConfigurationKeyName("store")]
    public string Store { get; set; } = StateStoreNames.Faster;

    /// <summary>Gets or sets the StackExchange.Redis configuration string (for example <c>localhost:6379</c>); required when <see cref="Store"/> is <c>redis</c>.</summary>
    /// <value>The default value is empty.</value>
    [ConfigurationKeyName("redis_configuration")]
    public string RedisConfiguration { get; set; } = string.Empty;

    /// <summary>Gets or sets the interval in seconds between state store checkpoints.</summary>
    /// <value>The default value is 3600; allowed 1 to 604800.</value>
    [ConfigurationKeyName("checkpoint_interval")]
    public int CheckpointInterval { get; set; } = CodeDefaults.CheckpointInterval;

    /// <summary>Gets or sets the compression of stored values and envelopes: <c>lz4</c> or <c>none</c>.</summary>
    /// <value>The default value is <c>lz4</c>.</value>
    [ConfigurationKeyName("compression")]
    public string Compression { get; set; } = CompressionNames.Lz4;

    /// <summary>Gets or sets the size in bytes above which values are compressed.</summary>
    /// <value>The default value is 1024; allowed 0 to 1073741824.</value>
    [ConfigurationKeyName("compression_threshold")]
    public int CompressionThreshold { get; set; } = CodeDefaults.CompressionThreshold;

    /// <summary>Gets or sets a value indicating whether the audit log records every state-changing operation.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    [ConfigurationKeyName("audit_enabled")]
    public bool AuditEnabled { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a store with state encryption on still reads values stored
    /// unencrypted (written before encryption was turned on). Off, such a value is refused as tampering; turn
    /// it on only to migrate, until the re-encryption pass has rewritten every value.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    [ConfigurationKeyName("accept_unencrypted_values")]
    public bool AcceptUnencryptedValues { get; set; }
}
