namespace Code.Core.State;

/// <summary>
/// Implemented by stores that recover from files when they open (the FASTER store): says what they found.
/// A host can check it at start-up, for example to alert when a damaged log tail was dropped.
/// </summary>
public interface IStateStoreRecovery
{
    /// <summary>Gets what the store found and did when it opened.</summary>
    StateRecoveryReport Recovery { get; }
}

/// <summary>What a durable store found and did when it opened.</summary>
/// <param name="Checkpoint">The checkpoint it started from, or <see langword="null"/> when it started empty.</param>
/// <param name="CheckpointRevision">The revision that checkpoint holds (0 when none).</param>
/// <param name="RejectedCheckpoints">Newer checkpoints that were damaged or unreadable, with the reason, newest first.</param>
/// <param name="ReplayedRecords">How many log records were applied on top of the checkpoint.</param>
/// <param name="Revision">The store's revision after recovery: its last valid write.</param>
/// <param name="Damage">The damaged tail of the log that was dropped, or <see langword="null"/> when the log was intact.</param>
public sealed record StateRecoveryReport(
    string? Checkpoint,
    long CheckpointRevision,
    IReadOnlyList<string> RejectedCheckpoints,
    long ReplayedRecords,
    long Revision,
    StateLogDamage? Damage);

/// <summary>Where a store's write-ahead log stopped being readable, and what was dropped.</summary>
/// <param name="Address">The log address of the first record that could not be used.</param>
/// <param name="Bytes">The bytes from there to the log's committed end, all dropped.</param>
/// <param name="Reason">What was wrong (for example a checksum mismatch, or a record that does not follow its predecessor).</param>
public sealed record StateLogDamage(long Address, long Bytes, string Reason);
