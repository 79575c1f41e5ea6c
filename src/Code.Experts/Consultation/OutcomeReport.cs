using Code.Experts.Reliability;

namespace Code.Experts.Consultation;

/// <summary>The effect of <see cref="ICircleOfExperts.ReportOutcomeAsync"/>.</summary>
/// <param name="ConsultationId">The consultation.</param>
/// <param name="AlreadyReported">
/// <see langword="true"/> when an outcome had been reported before this call; that first report's answer stands, and
/// this call only applied the credits it had left pending, if any.
/// </param>
/// <param name="Updated">The experts whose reliability this call changed, with their new posterior.</param>
public sealed record OutcomeReport(string ConsultationId, bool AlreadyReported, IReadOnlyList<ExpertReliability> Updated);
