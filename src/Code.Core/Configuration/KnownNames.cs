namespace Code.Core.Configuration;

/// <summary>The values accepted by <see cref="PersistenceOptions.Compression"/>.</summary>
public static class CompressionNames
{
    /// <summary>LZ4 block compression (K4os.Compression.LZ4).</summary>
    public const string Lz4 = "lz4";

    /// <summary>No compression.</summary>
    public const string None = "none";

    /// <summary>Gets every accepted value.</summary>
    public static IReadOnlyList<string> All { get; } = [Lz4, None];
}

/// <summary>The values accepted by <see cref="PersistenceOptions.Store"/>.</summary>
public static class StateStoreNames
{
    /// <summary>The embedded, durable FASTER store (the default).</summary>
    public const string Faster = "faster";

    /// <summary>The in-memory store: nothing survives the process.</summary>
    public const string Memory = "memory";

    /// <summary>A Redis-protocol server (Redis or Garnet) shared by many hosts.</summary>
    public const string Redis = "redis";

    /// <summary>Gets every accepted value.</summary>
    public static IReadOnlyList<string> All { get; } = [Faster, Memory, Redis];
}

/// <summary>The values accepted by <see cref="DeploymentOptions.DefaultStrategy"/>.</summary>
public static class DeploymentStrategyNames
{
    /// <summary>Replace instances a few at a time (maxSurge, maxUnavailable).</summary>
    public const string Rolling = "rolling";

    /// <summary>Bring up a full new set beside the old one and switch traffic at once.</summary>
    public const string BlueGreen = "blue_green";

    /// <summary>Shift traffic to the new version in weighted steps with analysis between them.</summary>
    public const string Canary = "canary";

    /// <summary>Gets every accepted value.</summary>
    public static IReadOnlyList<string> All { get; } = [Rolling, BlueGreen, Canary];
}
