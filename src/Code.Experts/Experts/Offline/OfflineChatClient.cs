using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Code.Experts.Serialization;
using Code.Experts.Verdicts;
using Microsoft.Extensions.AI;

namespace Code.Experts.Experts.Offline;

/// <summary>
/// A rule-based expert behind <see cref="IChatClient"/>: it reads the circle's JSON task from the last user
/// message and answers in the same JSON a model would, deterministically and without a network. It gives a
/// verdict from its rules, ranks peers by agreement with its own verdict, and as chairman picks the answer
/// with the most summed confidence.
/// </summary>
internal sealed class OfflineChatClient(OfflineExpertKind kind, OfflineExpertOptions options) : IChatClient
{
    private static readonly JsonSerializerOptions AbstainJson = new(ExpertsJson.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    private readonly ChatClientMetadata _metadata = new("code-offline", null, ModelIdOf(kind));

    public static string ModelIdOf(OfflineExpertKind kind) => kind switch
    {
        OfflineExpertKind.ErrorRate => "offline/error-rate",
        OfflineExpertKind.Latency => "offline/latency",
        _ => "offline/change-risk",
    };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var reply = Answer(messages);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)) { ModelId = _metadata.DefaultModelId });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private string Answer(IEnumerable<ChatMessage> messages)
    {
        var last = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text;
        var request = last is null ? null : ReadRequest(last);
        if (request is null)
        {
            return Abstain("the message holds no circle task (a JSON object with \"task\")");
        }

        var choices = request.Question.Choices ?? [];
        var own = OfflineRules.Judge(kind, request.Question.Evidence ?? [], options);
        return request.Task switch
        {
            ExpertTasks.PeerReview => Rank(request.Answers ?? [], own),
            ExpertTasks.Synthesis => Synthesise(request.Answers ?? [], choices),
            _ => Verdict(own, choices),
        };
    }

    private static string Verdict(RuleVerdict? own, IReadOnlyList<string> choices)
    {
        if (own is null)
        {
            return Abstain("the evidence this expert reads is missing");
        }

        var answer = ChoiceMapper.Map(own.Severity, choices);
        return answer is null
            ? Abstain($"no choice of {string.Join(", ", choices)} means {own.Severity.ToString().ToLowerInvariant()} ({own.Rationale})")
            : Reply(answer, own.Confidence, own.Rationale);
    }

    private static string Rank(IReadOnlyList<LabelledAnswer> answers, RuleVerdict? own)
    {
        // Answers that mean the same as this expert's own verdict first, then by closeness of meaning, then by confidence.
        var ranking = answers
            .OrderBy(a => own is null ? 0 : Distance(own.Severity, ChoiceMapper.Meaning(a.Answer)))
            .ThenByDescending(a => a.Confidence)
            .ThenBy(a => a.Label, StringComparer.Ordinal)
            .Select(a => a.Label)
            .ToArray();
        var rationale = own is null ? "ranked by the answers' own confidence" : $"ranked by agreement with '{own.Severity.ToString().ToLowerInvariant()}', then confidence";
        return JsonSerializer.Serialize(new { ranking, rationale }, ExpertsJson.Options);
    }

    private static string Synthesise(IReadOnlyList<LabelledAnswer> answers, IReadOnlyList<string> choices)
    {
        var groups = answers
            .GroupBy(a => AnswerText.Normalize(a.Answer), StringComparer.Ordinal)
            .Select(g => (Answer: g.First().Answer, Support: g.Sum(a => a.Confidence * (0.5 + (0.5 * (a.PeerScore ?? 1)))), Labels: string.Join(", ", g.Select(a => a.Label))))
            .OrderByDescending(g => g.Support)
            .ToList();
        var total = groups.Sum(g => g.Support);
        if (groups.Count == 0 || total <= 0 || (groups.Count > 1 && Math.Abs(groups[0].Support - groups[1].Support) < 1e-9))
        {
            return Abstain("the answers give no clear winner by summed confidence");
        }

        var answer = choices.Count > 0 ? VerdictParser.MatchChoice(groups[0].Answer, choices) ?? groups[0].Answer : groups[0].Answer;
        var share = groups[0].Support / total;
        return Reply(
            answer,
            Math.Round(share, 3),
            string.Create(CultureInfo.InvariantCulture, $"answers {groups[0].Labels} carry {share:P0} of the confidence-weighted support"));
    }

    private static int Distance(Severity own, Severity? other) => other is { } o ? Math.Abs((int)own - (int)o) : 3;

    private static ExpertRequest? ReadRequest(string text)
    {
        using var document = LenientJson.FindObject(text, e => LenientJson.TryGetProperty(e, ["task"], out _));
        if (document is null)
        {
            return null;
        }

        try
        {
            var request = document.RootElement.Deserialize<ExpertRequest>(ExpertsJson.Options);
            return request?.Question is null ? null : request;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Reply(string answer, double confidence, string rationale)
        => JsonSerializer.Serialize(new { answer, confidence, rationale }, ExpertsJson.Options);

    private static string Abstain(string rationale)
        => JsonSerializer.Serialize(new { answer = (string?)null, abstain = true, rationale }, AbstainJson);
}
