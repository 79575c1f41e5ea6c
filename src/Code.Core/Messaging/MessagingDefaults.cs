namespace Code.Core.Messaging;

/// <summary>Default values of <see cref="MessagingOptions"/> and <see cref="LaneOptions"/>.</summary>
internal static class MessagingDefaults
{
    public const int MaxMessageSize = 1_048_576;
    public const int LaneCapacityBytes = 1_048_576;
    public const int RequestsPerWorker = 32;
    public const int ControlConcurrency = 16;
    public const int BackgroundConcurrency = 8;
    public const int MaxBatchSize = 1024;
    public const int MaxJsonDepth = 64;
    public const int MaxHeaderBlockSize = 8 * 1024;

    /// <summary>Frames up to this size that straddle two buffer segments are copied to be parsed as one span.</summary>
    public const int FrameScratchSize = 4096;
    public const string CancellationMethod = "notifications/cancelled";
    public const string LspCancellationMethod = "$/cancelRequest";
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);
}
