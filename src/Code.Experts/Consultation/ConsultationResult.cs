using Code.Experts.Aggregation;
using Code.Experts.PeerReview;

namespace Code.Experts.Consultation;

/// <summary>
/// What the circle concluded. When <see cref="HasConsensus"/> is <see langword="false"/>, <see cref="Answer"/>
/// is <see langword="null"/> and <see cref="NoConsensusReason"/> says why; the circle never guesses.
/// Serializes to JSON (camelCase) as is.
/// </summary>
public sealed record ConsultationResult
{
    /// <summary>Gets the consultation's id; pass it to <see cref="ICircleOfExperts.ReportOutcomeAsync"/> once the truth is known.</summary>
    public required string ConsultationId { get; init; }

    /// <summary>Gets the question asked.</summary>
    public required ExpertQuestion Question { get; init; }

    /// <summary>Gets a value indicating whether the circle reached an answer.</summary>
    public bool HasConsensus => Answer is not null;

    /// <summary>Gets the consensus answer; <see langword="null"/> when there is no consensus.</summary>
    public string? Answer { get; init; }

    /// <summary>Gets the confidence in the answer in [0, 1] (the answer's share of support, or the chairman's confidence); 0 without consensus.</summary>
    public double Confidence { get; init; }

    /// <summary>Gets why there is no consensus (quorum not met, a tie, less than the minimum agreement, the chairman failed); <see langword="null"/> with one.</summary>
    public string? NoConsensusReason { get; init; }

    /// <summary>Gets the aggregation strategy used.</summary>
    public required AggregationStrategy Aggregation { get; init; }

    /// <summary>Gets every expert's opinion, in registration order, including the failed ones with their error.</summary>
    public required IReadOnlyList<ExpertOpinion> Opinions { get; init; }

    /// <summary>Gets the experts whose usable answer differs from the consensus.</summary>
    public IReadOnlyList<string> Dissenters { get; init; } = [];

    /// <summary>Gets the support of each distinct answer, highest first.</summary>
    public IReadOnlyList<AnswerSupport> Support { get; init; } = [];

    /// <summary>Gets the peer-review ballots; empty when peer review did not run.</summary>
    public IReadOnlyList<PeerReviewBallot> PeerReviews { get; init; } = [];

    /// <summary>Gets the chairman's synthesis, with <see cref="AggregationStrategy.Chairman"/>.</summary>
    public ExpertOpinion? Synthesis { get; init; }

    /// <summary>
    /// Gets the tokens of every call this consultation made (opinions, repairs, peer review, synthesis); zero for a result
    /// served from the cache, which made no call (its opinions keep the tokens they used when first asked).
    /// </summary>
    public TokenUsage TotalTokens { get; init; }

    /// <summary>
    /// Gets the estimated cost of the calls this consultation made, from <c>experts.prices</c> by each expert's configured
    /// model (models without a price count as free); 0 for a result served from the cache.
    /// </summary>
    public decimal EstimatedCost { get; init; }

    /// <summary>Gets the wall time of the consultation, in milliseconds.</summary>
    public double DurationMilliseconds { get; init; }

    /// <summary>Gets when the consultation completed.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Gets a value indicating whether this result was served from the cache of identical questions.</summary>
    public bool FromCache { get; init; }
}
