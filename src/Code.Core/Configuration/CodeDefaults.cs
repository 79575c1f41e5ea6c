namespace Code.Core.Configuration;

/// <summary>Default values of <see cref="CodeOptions"/>, as in the design's config.toml.</summary>
internal static class CodeDefaults
{
    public const string DataDirectory = "./.code";
    public const int MaxConnections = 10_000;
    public const int MessageBufferSize = 1_048_576;
    public const string ListenAddress = "127.0.0.1";
    public const int Port = 8080;

    public const double LearningRate = 0.1;
    public const int BatchSize = 32;
    public const int ModelUpdateInterval = 300;
    public const double ExplorationRate = 0.1;
    public const double AnomalyThreshold = 3.5;
    public const double CanaryConfidence = 0.98;
    public const int EventQueueCapacity = 10_000;

    public const int MaxMessageSize = 1_048_576;
    public const long CacheSize = 268_435_456;
    public const long IndexBuckets = 1L << 20;
    public const int MaxKeySize = 1024;
    public const int MaxValueSize = 16 * 1024 * 1024;
    public const long WatchHistorySize = 64L * 1024 * 1024;

    public const int MaxParallelDeployments = 5;
    public const int CircuitBreakerThreshold = 3;
    public const int HealthCheckInterval = 30;
    public const int RollbackTimeout = 300;

    public const int CheckpointInterval = 3600;
    public const int CompressionThreshold = 1024;
}
