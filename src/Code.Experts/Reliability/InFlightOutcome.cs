namespace Code.Experts.Reliability;

/// <summary>
/// A consultation whose credit is already in a record (an expert's counts, a learned model) but not yet
/// acknowledged in the consultation's own record. Kept next to the credit, in the same write, so a report that
/// is interrupted and repeated recognises its credit and never applies it twice; cleared once acknowledged, and
/// dropped when the consultation expires (it can no longer be reported then).
/// </summary>
/// <param name="ConsultationId">The consultation.</param>
/// <param name="ExpiresAt">When the consultation record expires.</param>
internal sealed record InFlightOutcome(string ConsultationId, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether <paramref name="list"/> holds the consultation.</summary>
    /// <param name="list">The in-flight outcomes of a record.</param>
    /// <param name="consultationId">The consultation.</param>
    /// <returns>Whether its credit is in the record.</returns>
    public static bool Contains(IReadOnlyList<InFlightOutcome>? list, string consultationId)
        => list is not null && list.Any(o => string.Equals(o.ConsultationId, consultationId, StringComparison.Ordinal));

    /// <summary>Adds a consultation and drops the expired ones.</summary>
    /// <param name="list">The current list.</param>
    /// <param name="outcome">The consultation being credited.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The new list.</returns>
    public static List<InFlightOutcome> Add(IReadOnlyList<InFlightOutcome>? list, InFlightOutcome outcome, DateTimeOffset now)
        => [.. (list ?? []).Where(o => o.ExpiresAt > now), outcome];

    /// <summary>Removes a consultation and drops the expired ones.</summary>
    /// <param name="list">The current list.</param>
    /// <param name="consultationId">The acknowledged consultation.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The new list, or <see langword="null"/> when it is empty (so the stored form stays as before).</returns>
    public static List<InFlightOutcome>? Remove(IReadOnlyList<InFlightOutcome>? list, string consultationId, DateTimeOffset now)
    {
        var kept = (list ?? []).Where(o => o.ExpiresAt > now && !string.Equals(o.ConsultationId, consultationId, StringComparison.Ordinal)).ToList();
        return kept.Count == 0 ? null : kept;
    }
}
