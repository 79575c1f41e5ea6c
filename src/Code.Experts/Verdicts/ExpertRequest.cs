using Code.Experts.Consultation;

namespace Code.Experts.Verdicts;

/// <summary>
/// The JSON block the circle puts in its user message; models read it as the task, and the offline experts
/// parse it back.
/// </summary>
/// <param name="Task">One of <see cref="ExpertTasks"/>.</param>
/// <param name="Question">The question without the circle's own settings.</param>
/// <param name="Answers">The anonymised answers to rank (peer review) or to synthesise (chairman).</param>
internal sealed record ExpertRequest(string Task, QuestionView Question, IReadOnlyList<LabelledAnswer>? Answers = null);

/// <summary>What the experts see of a question.</summary>
/// <param name="Prompt">The question.</param>
/// <param name="Kind">Decision or free text.</param>
/// <param name="Choices">The allowed answers; empty for free text.</param>
/// <param name="Evidence">The evidence.</param>
internal sealed record QuestionView(string Prompt, AnswerKind Kind, IReadOnlyList<string> Choices, IReadOnlyList<Evidence> Evidence)
{
    public static QuestionView From(ExpertQuestion question) => new(question.Prompt, question.Kind, question.Choices, question.Evidence);
}

/// <summary>An answer shown under a label, without the expert's name.</summary>
/// <param name="Label">A, B, C, ...</param>
/// <param name="Answer">The answer.</param>
/// <param name="Confidence">Its author's confidence.</param>
/// <param name="Rationale">Its author's reasoning.</param>
/// <param name="PeerScore">Its mean peer-review score, when peer review ran (synthesis only).</param>
internal sealed record LabelledAnswer(string Label, string Answer, double Confidence, string? Rationale, double? PeerScore = null);

/// <summary>The tasks of <see cref="ExpertRequest"/>.</summary>
internal static class ExpertTasks
{
    public const string Verdict = "verdict";
    public const string PeerReview = "peer_review";
    public const string Synthesis = "synthesis";
}
