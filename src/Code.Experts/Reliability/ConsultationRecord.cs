namespace Code.Experts.Reliability;

/// <summary>What the circle keeps of a consultation until its outcome is reported: who answered what.</summary>
/// <param name="Choices">The question's choices (empty for free text).</param>
/// <param name="Answers">Each answering expert's answer.</param>
/// <param name="ExpiresAt">After this, the outcome can no longer be reported.</param>
/// <param name="Reported">Whether an outcome has been reported (set together with <paramref name="Outcome"/>).</param>
/// <param name="Evidence">The numeric evidence, for the learned expert to learn from.</param>
/// <param name="Outcome">The reported correct answer; the first report fixes it.</param>
/// <param name="Pending">
/// The credits of the outcome not yet applied: <c>reliability/{expert}</c> for each expert that answered,
/// <c>models/{expert}</c> for each learned expert. Empty once every credit is applied.
/// </param>
internal sealed record ConsultationRecord(
    IReadOnlyList<string> Choices,
    IReadOnlyDictionary<string, string> Answers,
    DateTimeOffset ExpiresAt,
    bool Reported = false,
    IReadOnlyList<Code.Experts.Consultation.Evidence>? Evidence = null,
    string? Outcome = null,
    IReadOnlyList<string>? Pending = null);
