using System.Text.Json;
using Code.Experts.Serialization;
using Microsoft.Extensions.AI;

namespace Code.Experts.Verdicts;

/// <summary>Builds the messages of each task: a system message (role and reply format) and a user message holding the task as JSON.</summary>
internal static class ExpertPrompts
{
    private const string DefaultRole = "You are an experienced engineer on a panel of independent experts reviewing a decision.";

    private const string VerdictFormat =
        "Reply with one JSON object and nothing else: {\"answer\": string, \"confidence\": number from 0 to 1, \"rationale\": string}. "
        + "For a decision, \"answer\" must be exactly one of the choices. If you cannot judge, reply {\"answer\": null, \"abstain\": true, \"rationale\": string}.";

    private const string RankingFormat =
        "Reply with one JSON object and nothing else: {\"ranking\": [labels, best first], \"rationale\": string}. Rank every label exactly once; "
        + "judge the answers on their merit, not on their label or position.";

    public static List<ChatMessage> Verdict(string? rolePrompt, ExpertRequest request) => Verdict(rolePrompt, Serialize(request));

    /// <summary>Builds the verdict messages from a request serialized once for the whole circle.</summary>
    /// <param name="rolePrompt">The expert's role prompt.</param>
    /// <param name="requestJson">The serialized <see cref="ExpertRequest"/>.</param>
    /// <returns>The messages.</returns>
    public static List<ChatMessage> Verdict(string? rolePrompt, string requestJson)
        => Build(rolePrompt, "Give your verdict on the question below, using its evidence. " + VerdictFormat, requestJson);

    public static List<ChatMessage> PeerReview(string? rolePrompt, ExpertRequest request)
        => Build(rolePrompt, "Other experts answered the question below; their answers are labelled. Rank them from best to worst. " + RankingFormat, request);

    public static List<ChatMessage> Synthesis(string? rolePrompt, ExpertRequest request)
        => Build(
            rolePrompt,
            "You chair the panel. Read the question and the experts' anonymised answers (with their confidence and, when present, their peer-review score) and give the panel's final verdict. "
            + VerdictFormat,
            request);

    public static ChatMessage Repair(string problem, bool ranking)
        => new(ChatRole.User, $"Your reply could not be used: {problem}. {(ranking ? RankingFormat : VerdictFormat)}");

    public static string Serialize(ExpertRequest request) => JsonSerializer.Serialize(request, ExpertsJson.Options);

    private static List<ChatMessage> Build(string? rolePrompt, string instructions, ExpertRequest request)
        => Build(rolePrompt, instructions, Serialize(request));

    private static List<ChatMessage> Build(string? rolePrompt, string instructions, string requestJson)
        =>
        [
            new(ChatRole.System, (string.IsNullOrWhiteSpace(rolePrompt) ? DefaultRole : rolePrompt.Trim()) + "\n\n" + instructions),
            new(ChatRole.User, "```json\n" + requestJson + "\n```"),
        ];
}
