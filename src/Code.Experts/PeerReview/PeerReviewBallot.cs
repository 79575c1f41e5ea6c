namespace Code.Experts.PeerReview;

/// <summary>One expert's anonymised ranking of the other experts' answers.</summary>
/// <param name="Reviewer">The reviewing expert.</param>
/// <param name="Ranking">The reviewed experts, best first; empty when the review failed.</param>
/// <param name="Labels">The labels the reviewer saw, in the order shown (<c>A</c> first), mapped to experts.</param>
/// <param name="Error">What went wrong, when the review failed.</param>
public sealed record PeerReviewBallot(
    string Reviewer,
    IReadOnlyList<string> Ranking,
    IReadOnlyList<PeerReviewLabel> Labels,
    string? Error = null);

/// <summary>A label shown to a reviewer and the expert whose answer it hid.</summary>
/// <param name="Label">The label, <c>A</c>, <c>B</c>, ...</param>
/// <param name="Expert">The expert.</param>
public sealed record PeerReviewLabel(string Label, string Expert);
