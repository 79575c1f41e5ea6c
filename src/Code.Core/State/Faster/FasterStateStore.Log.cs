using Microsoft.Extensions.Logging;

namespace Code.Core.State.Faster;

/// <content>Source-generated log messages.</content>
internal sealed partial class FasterStateStore
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "State store {Directory} opened from checkpoint {Checkpoint} (revision {CheckpointRevision}) plus {Replayed} log records: revision {Revision}.")]
        public static partial void Recovered(ILogger logger, string directory, string checkpoint, long checkpointRevision, long replayed, long revision);

        [LoggerMessage(2, LogLevel.Warning, "State store checkpoint {Manifest} is not usable: {Problem}. Falling back to an older checkpoint.")]
        public static partial void CheckpointRejected(ILogger logger, string manifest, string problem);

        [LoggerMessage(3, LogLevel.Error, "State store {Directory}: the write-ahead log is damaged at address {Address} ({Reason}); dropped {Bytes} bytes after the last valid write, revision {Revision}.")]
        public static partial void LogDamaged(ILogger logger, string directory, long address, long bytes, string reason, long revision);

        [LoggerMessage(4, LogLevel.Error, "State store checkpoint failed; the write-ahead log keeps every write until the next one succeeds.")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);
    }
}
