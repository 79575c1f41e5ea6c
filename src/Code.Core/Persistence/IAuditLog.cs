namespace Code.Core.Persistence;

/// <summary>
/// An append-only audit log: who did what to which target, with what outcome. Each entry carries the
/// SHA-256 of its predecessor, so changing, removing or reordering any entry breaks the chain and
/// <see cref="VerifyAsync"/> names the first broken entry.
/// </summary>
/// <remarks>
/// The chain proves the log is consistent with its last entry. To also detect a rewrite of the whole
/// tail, keep <see cref="AuditVerification.HeadHash"/> somewhere the log's writer cannot change.
/// </remarks>
public interface IAuditLog
{
    /// <summary>Appends an entry; it is durable when the call returns.</summary>
    /// <param name="auditEvent">What happened.</param>
    /// <param name="cancellationToken">Cancels the append if it has not been written yet.</param>
    /// <returns>The entry as stored, with its sequence number, time and hash.</returns>
    ValueTask<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>Reads the entries after <paramref name="afterSequence"/>, oldest first.</summary>
    /// <param name="afterSequence">The last sequence number already seen; 0 reads from the start.</param>
    /// <param name="cancellationToken">Ends the read.</param>
    /// <returns>The entries.</returns>
    IAsyncEnumerable<AuditEntry> ReadAsync(long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>Re-reads the whole log and checks every link of the hash chain.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether the chain is intact, or the first entry that breaks it and why.</returns>
    ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}

/// <summary>Something to record in the <see cref="IAuditLog"/>.</summary>
/// <param name="Actor">Who acted: a user, an agent, a host (for example <c>mcp:claude</c>).</param>
/// <param name="Action">What was done (for example <c>deploy.start</c>).</param>
/// <param name="Target">What it was done to (for example <c>app/checkout-api</c>).</param>
/// <param name="Outcome">How it ended (for example <c>succeeded</c>, <c>denied</c>, <c>failed</c>).</param>
public sealed record AuditEvent(string Actor, string Action, string Target, string Outcome)
{
    /// <summary>Gets further facts about the event (parameters, reasons, ids).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();
}

/// <summary>An entry of the <see cref="IAuditLog"/>.</summary>
/// <param name="Sequence">The entry's position, from 1.</param>
/// <param name="Timestamp">When it was appended.</param>
/// <param name="Event">What happened.</param>
/// <param name="Hash">The SHA-256 of the stored entry (lowercase hex), which the next entry links to.</param>
public sealed record AuditEntry(long Sequence, DateTimeOffset Timestamp, AuditEvent Event, string Hash);

/// <summary>The result of <see cref="IAuditLog.VerifyAsync"/>.</summary>
/// <param name="IsIntact">Whether every entry links to its predecessor.</param>
/// <param name="EntriesVerified">How many entries were checked and found good.</param>
/// <param name="FirstBrokenSequence">The sequence number of the first bad entry, or <see langword="null"/> when intact.</param>
/// <param name="Problem">What is wrong with that entry, or <see langword="null"/> when intact.</param>
/// <param name="HeadHash">The hash of the last good entry (empty for an empty log).</param>
public sealed record AuditVerification(bool IsIntact, long EntriesVerified, long? FirstBrokenSequence, string? Problem, string HeadHash);
