using Code.Experts.Reliability;

namespace Code.Experts.Consultation;

/// <summary>
/// Asks every registered expert the same question in parallel and returns a consensus with its
/// confidence, every opinion and the dissent. Registered by <c>AddExperts</c>; safe to use concurrently.
/// </summary>
public interface ICircleOfExperts
{
    /// <summary>Gets the names of the experts, in registration order.</summary>
    IReadOnlyList<string> Experts { get; }

    /// <summary>
    /// Consults the circle. Failing, slow or incoherent experts become failed opinions and the circle goes
    /// on; too few usable opinions give an explicit "no consensus" result.
    /// </summary>
    /// <param name="question">The question.</param>
    /// <param name="cancellationToken">Cancels every pending expert call; the method then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The question is malformed; the message names the field.</exception>
    Task<ConsultationResult> ConsultAsync(ExpertQuestion question, CancellationToken cancellationToken = default);

    /// <summary>
    /// Consults the circle and reports each expert's opinion as soon as it is in (in completion order), for
    /// progress notifications on a long consultation. Reported opinions carry no aggregation weight yet;
    /// the result holds the final ones. A result served from the cache reports nothing.
    /// </summary>
    /// <param name="question">The question.</param>
    /// <param name="progress">Receives each expert's opinion; called from the thread that completed it. An exception it throws is logged and does not fail the consultation.</param>
    /// <param name="cancellationToken">Cancels every pending expert call; the method then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The question is malformed; the message names the field.</exception>
    Task<ConsultationResult> ConsultWithProgressAsync(ExpertQuestion question, IProgress<ExpertOpinion>? progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports the true answer of a consulted decision, once known: each expert that answered it has its
    /// reliability updated (right: one success, wrong: one failure; experts that abstained, failed or gave an
    /// unusable reply are not judged), and every learned offline expert learns from it. Exactly once: the first
    /// report fixes the outcome, each credit is applied once, and a report that failed part-way is finished by
    /// reporting again (a repeat applies only what is still pending, judged against the first report's answer).
    /// </summary>
    /// <param name="consultationId">The <see cref="ConsultationResult.ConsultationId"/>.</param>
    /// <param name="correctAnswer">The choice that turned out right.</param>
    /// <param name="cancellationToken">Cancels the report until the outcome is recorded; the credits are then applied regardless.</param>
    /// <returns>What was updated.</returns>
    /// <exception cref="ArgumentException">The consultation is unknown or expired, or the answer is not one of its choices.</exception>
    /// <exception cref="InvalidOperationException">No <c>IStateStore</c> is registered, so nothing can be learned.</exception>
    /// <exception cref="AggregateException">
    /// The outcome is recorded but some credits could not be applied (the message names each, the inner exceptions say
    /// why); the others are applied. Report the outcome again to apply the rest.
    /// </exception>
    Task<OutcomeReport> ReportOutcomeAsync(string consultationId, string correctAnswer, CancellationToken cancellationToken = default);

    /// <summary>Reads the learned reliability of every expert.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One entry per expert, in registration order; the prior when nothing is learned or there is no store.</returns>
    Task<IReadOnlyList<ExpertReliability>> GetReliabilityAsync(CancellationToken cancellationToken = default);
}
