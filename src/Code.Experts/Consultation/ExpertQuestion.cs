using Code.Experts.Aggregation;

namespace Code.Experts.Consultation;

/// <summary>
/// A question put to the circle. A question with <see cref="Choices"/> is a decision (each expert picks
/// one); without, it asks for free text. Serializes to and from JSON (camelCase) as is.
/// </summary>
public sealed record ExpertQuestion
{
    /// <summary>Gets the question itself, for example <c>Promote checkout-api 2.4.1 to 100 %?</c>.</summary>
    public required string Prompt { get; init; }

    /// <summary>Gets the allowed answers of a decision (2 to 16, distinct ignoring case); empty for free text.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Gets the evidence shown to every expert.</summary>
    public IReadOnlyList<Evidence> Evidence { get; init; } = [];

    /// <summary>Gets the aggregation to use for this question; <see langword="null"/> uses <c>experts.aggregation</c>.</summary>
    public AggregationStrategy? Aggregation { get; init; }

    /// <summary>Gets whether to run anonymised peer review; <see langword="null"/> uses <c>experts.peer_review</c>.</summary>
    public bool? PeerReview { get; init; }

    /// <summary>Gets a value indicating whether to ask the experts even when a cached result exists.</summary>
    public bool BypassCache { get; init; }

    /// <summary>Gets the kind of answer asked for: <see cref="AnswerKind.Decision"/> when there are choices.</summary>
    public AnswerKind Kind => Choices.Count > 0 ? AnswerKind.Decision : AnswerKind.FreeText;

    /// <summary>Creates a decision question.</summary>
    /// <param name="prompt">The question.</param>
    /// <param name="choices">The allowed answers.</param>
    /// <param name="evidence">The evidence.</param>
    /// <returns>The question.</returns>
    public static ExpertQuestion Decision(string prompt, IReadOnlyList<string> choices, params IReadOnlyList<Evidence> evidence)
        => new() { Prompt = prompt, Choices = choices, Evidence = evidence };

    /// <summary>Creates a free-text question.</summary>
    /// <param name="prompt">The question.</param>
    /// <param name="evidence">The evidence.</param>
    /// <returns>The question.</returns>
    public static ExpertQuestion FreeText(string prompt, params IReadOnlyList<Evidence> evidence)
        => new() { Prompt = prompt, Evidence = evidence };
}
