namespace Code.Core.State.Faster;

/// <summary>What a <see cref="FasterStateStore"/> found and did when it opened.</summary>
/// <param name="Checkpoint">The token of the checkpoint it started from, or <see langword="null"/> when it started empty.</param>
/// <param name="CheckpointRevision">The revision that checkpoint holds (0 when none).</param>
/// <param name="RejectedCheckpoints">Newer checkpoints that were damaged or unreadable, with the reason, newest first.</param>
/// <param name="ReplayedRecords">How many log records were applied on top of the checkpoint.</param>
/// <param name="Revision">The store's revision after recovery: the last valid write.</param>
/// <param name="Damage">The damaged tail of the log that was dropped, or <see langword="null"/> when the log was intact.</param>
internal sealed record StateRecoveryReport(
    string? Checkpoint,
    long CheckpointRevision,
    IReadOnlyList<string> RejectedCheckpoints,
    long ReplayedRecords,
    long Revision,
    LogDamage? Damage);
