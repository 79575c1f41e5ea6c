namespace Code.Experts.Reliability;

/// <summary>The stored form of an expert's reliability: outcome counts (the prior is applied when read, so it can change).</summary>
/// <param name="Successes">Outcomes the expert got right.</param>
/// <param name="Failures">Outcomes the expert got wrong.</param>
/// <param name="InFlight">Consultations counted here whose report has not yet acknowledged it; absent when none.</param>
internal sealed record ReliabilityCounts(long Successes, long Failures, IReadOnlyList<InFlightOutcome>? InFlight = null);
