using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Code.Experts.Consultation;
using Code.Experts.Reliability;
using Code.Experts.Serialization;
using Code.Experts.Verdicts;
using Microsoft.Extensions.AI;

namespace Code.Experts.Experts.Offline;

/// <summary>
/// An offline expert behind <see cref="IChatClient"/>: it reads the circle's JSON task from the last user
/// message and answers in the same JSON a model would, without a network. The rule kinds are deterministic
/// over the evidence; the learned kind predicts from a model trained on reported outcomes. As a reviewer it
/// ranks peers by agreement with its own verdict; as chairman it picks the answer with the most summed
/// confidence.
/// </summary>
internal sealed class OfflineChatClient : IChatClient
{
    private static readonly JsonSerializerOptions AbstainJson = new(ExpertsJson.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    private readonly OfflineExpertKind _kind;
    private readonly OfflineExpertOptions _options;
    private readonly OutcomeModelStore? _models;
    private readonly string _name;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Initializes a new instance of the <see cref="OfflineChatClient"/> class.</summary>
    /// <param name="kind">The rule set, or <see cref="OfflineExpertKind.LearnedOutcome"/>.</param>
    /// <param name="options">The thresholds.</param>
    /// <param name="name">The expert's name: the key of its learned model.</param>
    /// <param name="models">Where the learned model lives; <see langword="null"/> for the rule kinds (the learned kind then always abstains).</param>
    public OfflineChatClient(OfflineExpertKind kind, OfflineExpertOptions options, string name = "offline", OutcomeModelStore? models = null)
    {
        _kind = kind;
        _options = options;
        _name = name;
        _models = models;
        _metadata = new ChatClientMetadata("code-offline", null, ModelIdOf(kind));
    }

    public string Name => _name;

    public bool Learns => _kind == OfflineExpertKind.LearnedOutcome && _models is not null;

    public static string ModelIdOf(OfflineExpertKind kind) => kind switch
    {
        OfflineExpertKind.ErrorRate => "offline/error-rate",
        OfflineExpertKind.Latency => "offline/latency",
        OfflineExpertKind.ChangeRisk => "offline/change-risk",
        _ => "offline/learned-outcome",
    };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var reply = await AnswerAsync(messages, cancellationToken).ConfigureAwait(false);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)) { ModelId = _metadata.DefaultModelId };
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

    /// <summary>Trains the learned model on one reported outcome, once per consultation.</summary>
    /// <param name="outcome">The consultation.</param>
    /// <param name="evidence">The consultation's evidence.</param>
    /// <param name="choices">The consultation's choices.</param>
    /// <param name="truth">The choice that turned out right.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether this call learned (false for the rule kinds, or when the consultation was learned from already).</returns>
    public Task<bool> LearnAsync(InFlightOutcome outcome, IReadOnlyList<Evidence> evidence, IReadOnlyList<string> choices, string truth, DateTimeOffset now, CancellationToken cancellationToken)
        => Learns
            ? _models!.LearnAsync(_name, outcome, evidence, choices, truth, _options.LearningRate, now, cancellationToken)
            : Task.FromResult(false);

    /// <summary>Clears a consultation from the learned model's in-flight list.</summary>
    /// <param name="consultationId">The consultation.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the list no longer holds it.</returns>
    public Task AcknowledgeAsync(string consultationId, DateTimeOffset now, CancellationToken cancellationToken)
        => Learns ? _models!.AcknowledgeAsync(_name, consultationId, now, cancellationToken) : Task.CompletedTask;

    public void Dispose()
    {
    }

    private async Task<string> AnswerAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var last = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text;
        var request = last is null ? null : ReadRequest(last);
        if (request is null)
        {
            return Abstain("the message holds no circle task (a JSON object with \"task\")");
        }

        var choices = request.Question.Choices ?? [];
        var evidence = request.Question.Evidence ?? [];
        var own = _kind == OfflineExpertKind.LearnedOutcome
            ? await PredictAsync(evidence, choices, cancellationToken).ConfigureAwait(false)
            : Judge(evidence, choices);
        return request.Task switch
        {
            ExpertTasks.PeerReview => Rank(request.Answers ?? [], own),
            ExpertTasks.Synthesis => Synthesise(request.Answers ?? [], choices),
            _ => own.Answer is null ? Abstain(own.Rationale) : Reply(own.Answer, own.Confidence, own.Rationale),
        };
    }

    private Judgement Judge(IReadOnlyList<Evidence> evidence, IReadOnlyList<string> choices)
    {
        var verdict = OfflineRules.Judge(_kind, evidence, _options);
        if (verdict is null)
        {
            return new Judgement(null, 0, "the evidence this expert reads is missing");
        }

        var answer = ChoiceMapper.Map(verdict.Severity, choices);
        return answer is null
            ? new Judgement(null, 0, $"no choice of {string.Join(", ", choices)} means {verdict.Severity.ToString().ToLowerInvariant()} ({verdict.Rationale})")
            : new Judgement(answer, verdict.Confidence, verdict.Rationale);
    }

    private async Task<Judgement> PredictAsync(IReadOnlyList<Evidence> evidence, IReadOnlyList<string> choices, CancellationToken cancellationToken)
    {
        if (_models is null)
        {
            return new Judgement(null, 0, "no state store is registered, so nothing has been learned");
        }

        if (choices.Count == 0)
        {
            return new Judgement(null, 0, "it learns decisions only, not free text");
        }

        var model = await _models.ReadAsync(_name, cancellationToken).ConfigureAwait(false);
        if (model.Outcomes < _options.MinimumOutcomes)
        {
            return new Judgement(null, 0, string.Create(CultureInfo.InvariantCulture, $"it has learned from {model.Outcomes} outcomes and answers from {_options.MinimumOutcomes}"));
        }

        var p = model.Predict(evidence, choices);
        if (p is null)
        {
            return new Judgement(null, 0, "none of the numeric evidence is a feature it has learned");
        }

        var best = Array.IndexOf(p, p.Max());
        return new Judgement(
            choices[best],
            Math.Round(p[best], 3),
            string.Create(CultureInfo.InvariantCulture, $"learned from {model.Outcomes} outcomes: P({choices[best]}) = {p[best]:0.000}"));
    }

    private static string Rank(IReadOnlyList<LabelledAnswer> answers, Judgement own)
    {
        // Answers that say what this expert would say first, then by closeness of meaning, then by confidence.
        var ownSeverity = own.Answer is null ? null : ChoiceMapper.Meaning(own.Answer);
        var ranking = answers
            .OrderBy(a => own.Answer is null ? 0
                : AnswerText.Normalize(a.Answer) == AnswerText.Normalize(own.Answer) ? 0
                : ownSeverity is { } s && ChoiceMapper.Meaning(a.Answer) is { } other ? Math.Abs((int)s - (int)other)
                : 3)
            .ThenByDescending(a => a.Confidence)
            .ThenBy(a => a.Label, StringComparer.Ordinal)
            .Select(a => a.Label)
            .ToArray();
        var rationale = own.Answer is null ? "ranked by the answers' own confidence" : $"ranked by agreement with '{own.Answer}', then confidence";
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

    /// <summary>This expert's own view: an answer with its confidence, or an abstention with the reason.</summary>
    private sealed record Judgement(string? Answer, double Confidence, string Rationale);
}
