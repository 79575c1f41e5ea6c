using Microsoft.Extensions.Logging;

namespace Code.Learning.Hosting;

/// <summary>Source-generated log messages of the learning loop.</summary>
internal static partial class LearningLoopLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded model '{ModelId}' version {Version} from the registry.")]
    public static partial void ModelLoaded(ILogger logger, string modelId, long version);

    [LoggerMessage(2, LogLevel.Error, "Model '{ModelId}' version {Version} could not be loaded; trying an older version.")]
    public static partial void ModelUnreadable(ILogger logger, string modelId, long version, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Rejected a learning event of type {EventType}.")]
    public static partial void EventRejected(ILogger logger, string eventType, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Checkpointed model '{ModelId}' as version {Version}.")]
    public static partial void Checkpointed(ILogger logger, string modelId, long version);

    [LoggerMessage(5, LogLevel.Error, "Checkpoint of the learning models failed; the previous versions stay current.")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "The learning loop is disabled (learning.enabled = false).")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(7, LogLevel.Warning, "Model '{ModelId}' is at version {Version} in the registry, not at the learning loop's last checkpoint (rolled back, or saved by another writer); the loop reloads it instead of overwriting it.")]
    public static partial void RolledBack(ILogger logger, string modelId, long version);
}
