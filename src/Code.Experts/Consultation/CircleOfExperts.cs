using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Code.Core.State;
using Code.Experts.Aggregation;
using Code.Experts.Caching;
using Code.Experts.Diagnostics;
using Code.Experts.Experts;
using Code.Experts.Experts.Offline;
using Code.Experts.PeerReview;
using Code.Experts.Reliability;
using Code.Experts.Serialization;
using Code.Experts.Verdicts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Code.Experts.Consultation;

/// <summary>
/// The circle: fans a question out to every expert in parallel, runs the optional peer review, aggregates,
/// asks the chairman when that strategy is chosen, and keeps what reliability learning and the cache need.
/// </summary>
internal sealed class CircleOfExperts : ICircleOfExperts
{
    private readonly IReadOnlyList<Expert> _experts;
    private readonly ExpertsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ExpertCaller _caller;
    private readonly ReliabilityBook _reliability;
    private readonly ConsultationLedger _ledger;
    private readonly ConsultationCache _cache;
    private readonly ExpiredEntrySweeper _sweeper;
    private readonly Expert? _chairman;
    private readonly string _circleSignature;
    private readonly Random _random;
    private readonly Lock _randomLock = new();

    public CircleOfExperts(IReadOnlyList<Expert> experts, ExpertsOptions options, TimeProvider time, IStateStore? store, ILogger<CircleOfExperts>? logger)
    {
        ArgumentNullException.ThrowIfNull(experts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (experts.Count == 0)
        {
            throw new ArgumentException("A circle needs at least one expert.", nameof(experts));
        }

        _experts = experts;
        _options = options;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _caller = new ExpertCaller(time, options.MaxReplyCharacters);
        _reliability = new ReliabilityBook(store, options, _logger);
        _ledger = new ConsultationLedger(store, _reliability, options, time);
        _cache = new ConsultationCache(store, options, time);
        _sweeper = new ExpiredEntrySweeper(store, options, time);
        _chairman = options.Chairman is null
            ? null
            : experts.FirstOrDefault(e => string.Equals(e.Name, options.Chairman, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Experts:Chairman names '{options.Chairman}', which is not a registered expert.", nameof(options));
        // Everything that shapes an answer: names, weights, models, role prompts, timeouts, offline thresholds.
        // Stable across processes, so hosts sharing a store share the cache.
        _circleSignature = JsonSerializer.Serialize(experts.Select(e => new { e.Name, Options = (object)e.Options }), ExpertsJson.Options);
#pragma warning disable CA5394 // Seeded shuffles against position bias, not security.
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
#pragma warning restore CA5394
        Experts = experts.Select(e => e.Name).ToArray();
    }

    public IReadOnlyList<string> Experts { get; }

    public Task<ConsultationResult> ConsultAsync(ExpertQuestion question, CancellationToken cancellationToken = default)
        => ConsultWithProgressAsync(question, progress: null, cancellationToken);

    public async Task<ConsultationResult> ConsultWithProgressAsync(ExpertQuestion question, IProgress<ExpertOpinion>? progress, CancellationToken cancellationToken = default)
    {
        QuestionValidator.Validate(question, _options.MaxQuestionCharacters);
        var strategy = question.Aggregation ?? _options.Aggregation;
        QuestionValidator.RequireChairman(strategy, _chairman?.Name);
        var peerReview = question.PeerReview ?? _options.PeerReview;
        cancellationToken.ThrowIfCancellationRequested();

        using var activity = ExpertsDiagnostics.ActivitySource.StartActivity(ExpertsDiagnostics.ConsultActivityName);
        var start = _time.GetTimestamp();
        var cacheKey = _cache.IsEnabled ? _cache.Key(question, strategy, peerReview, _circleSignature) : null;
        if (cacheKey is not null && !question.BypassCache)
        {
            var cached = await StoreCallAsync("cache read", () => _cache.TryGetAsync(cacheKey, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (cached is not null)
            {
                ExpertsLog.CacheHit(_logger, cacheKey);
                Record(activity, cached, "cached", _time.GetElapsedTime(start));
                return cached;
            }
        }

        var consultationId = Guid.CreateVersion7(_time.GetUtcNow()).ToString("N");
        activity?.SetTag("experts.count", _experts.Count);

        using var deadline = new CancellationTokenSource(_options.ConsultationDeadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

        var reliabilityTask = StoreCallAsync("reliability read", async () => await _reliability.ReadAsync(Experts, cancellationToken).ConfigureAwait(false), cancellationToken);
        var view = QuestionView.From(question);
        var verdictRequest = ExpertPrompts.Serialize(new ExpertRequest(ExpertTasks.Verdict, view));
        var opinionTasks = new Task<ExpertCall<ParsedVerdict>>[_experts.Count];
        for (var i = 0; i < _experts.Count; i++)
        {
            var expert = _experts[i];
            var messages = ExpertPrompts.Verdict(expert.RolePrompt, verdictRequest);
            opinionTasks[i] = Task.Run(
                async () =>
                {
                    var call = await AskVerdictAsync(expert, messages, question.Choices, linked.Token, cancellationToken).ConfigureAwait(false);
                    progress?.Report(ToOpinion(expert, call));
                    return call;
                },
                CancellationToken.None);
        }

        var calls = await Task.WhenAll(opinionTasks).ConfigureAwait(false);
        var reliability = await reliabilityTask.ConfigureAwait(false) ?? _experts.Select(e => _reliability.Prior(e.Name)).ToArray();
        cancellationToken.ThrowIfCancellationRequested();

        var spend = new List<(string? Model, TokenUsage Tokens, string Expert)>();
        var opinions = new ExpertOpinion[_experts.Count];
        for (var i = 0; i < _experts.Count; i++)
        {
            opinions[i] = ToOpinion(_experts[i], calls[i]);
            spend.Add((calls[i].ModelId, calls[i].Tokens, _experts[i].Name));
            RecordExpert(opinions[i]);
        }

        var ballots = Array.Empty<PeerReviewBallot>();
        if (peerReview && opinions.Count(o => o.IsValid) >= 3)
        {
            ballots = await RunPeerReviewAsync(view, opinions, spend, linked.Token, cancellationToken).ConfigureAwait(false);
            var scores = PeerReviewLabels.Scores(ballots);
            for (var i = 0; i < opinions.Length; i++)
            {
                if (opinions[i].IsValid)
                {
                    opinions[i] = opinions[i] with { PeerScore = scores.TryGetValue(opinions[i].Expert, out var s) ? s : null };
                }
            }
        }

        var inputs = new List<AggregationInput>();
        for (var i = 0; i < opinions.Length; i++)
        {
            if (opinions[i].IsValid)
            {
                inputs.Add(new AggregationInput(opinions[i], _experts[i].Weight, reliability[i].Mean));
            }
        }

        var quorum = Quorum.Required(_experts.Count, _options.MinimumOpinions, _options.MinimumOpinionFraction);
        var outcome = OpinionAggregator.Aggregate(strategy == AggregationStrategy.Chairman ? AggregationStrategy.Weighted : strategy, inputs);
        for (var i = 0; i < opinions.Length; i++)
        {
            opinions[i] = opinions[i] with { Weight = outcome.Weights.TryGetValue(opinions[i].Expert, out var w) ? w : 0 };
        }

        string? answer = outcome.Answer;
        var confidence = outcome.Confidence;
        var reason = outcome.NoConsensusReason;
        ExpertOpinion? synthesis = null;
        if (inputs.Count < quorum)
        {
            answer = null;
            confidence = 0;
            reason = string.Create(
                CultureInfo.InvariantCulture,
                $"only {inputs.Count} of {_experts.Count} experts gave a usable opinion; the quorum is {quorum}. Errors: {DescribeErrors(opinions)}");
        }
        else if (strategy == AggregationStrategy.Chairman)
        {
            synthesis = await SynthesiseAsync(_chairman!, view, opinions, spend, linked.Token, cancellationToken).ConfigureAwait(false);
            answer = synthesis.IsValid ? synthesis.Answer : null;
            confidence = synthesis.IsValid ? synthesis.Confidence : 0;
            reason = synthesis.IsValid ? null : $"the chairman '{_chairman!.Name}' gave no usable synthesis: {synthesis.Error}";
        }

        if (answer is null && reason is null)
        {
            reason = "no answer";
        }

        var dissenters = answer is null
            ? []
            : opinions.Where(o => o.IsValid && AnswerText.Normalize(o.Answer!) != AnswerText.Normalize(answer)).Select(o => o.Expert).ToArray();
        var elapsed = _time.GetElapsedTime(start);
        var result = new ConsultationResult
        {
            ConsultationId = consultationId,
            Question = question,
            Answer = answer,
            Confidence = answer is null ? 0 : Math.Clamp(confidence, 0, 1),
            NoConsensusReason = answer is null ? reason : null,
            Aggregation = strategy,
            Opinions = opinions,
            Dissenters = dissenters,
            Support = outcome.Support,
            PeerReviews = ballots,
            Synthesis = synthesis,
            TotalTokens = spend.Aggregate(default(TokenUsage), (sum, s) => sum + s.Tokens),
            EstimatedCost = spend.Sum(s => Price(s.Model, s.Tokens)),
            DurationMilliseconds = elapsed.TotalMilliseconds,
            CompletedAt = _time.GetUtcNow(),
        };

        foreach (var (_, tokens, expert) in spend)
        {
            RecordTokens(expert, tokens);
        }

        await StoreCallAsync("consultation record", async () => { await _ledger.SaveAsync(consultationId, question, opinions, cancellationToken).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
        if (cacheKey is not null)
        {
            await StoreCallAsync("cache write", async () => { await _cache.PutAsync(cacheKey, result, cancellationToken).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
        }

        if (result.HasConsensus)
        {
            ExpertsLog.Consulted(_logger, consultationId, result.Answer!, result.Confidence, inputs.Count, _experts.Count, strategy.ToString());
        }
        else
        {
            ExpertsLog.NoConsensus(_logger, consultationId, result.NoConsensusReason!);
        }

        Record(activity, result, result.HasConsensus ? "consensus" : "no_consensus", elapsed);
        if (_sweeper.TryClaim())
        {
            _ = Task.Run(() => StoreCallAsync("sweep of expired entries", () => _sweeper.SweepAsync(CancellationToken.None), CancellationToken.None), CancellationToken.None);
        }

        return result;
    }

    public async Task<OutcomeReport> ReportOutcomeAsync(string consultationId, string correctAnswer, CancellationToken cancellationToken = default)
    {
        var (report, applied, truth) = await _ledger.ReportAsync(consultationId, correctAnswer, cancellationToken).ConfigureAwait(false);
        if (applied is not null)
        {
            // The learned offline experts learn from every outcome of the circle, whatever they answered.
            foreach (var expert in _experts)
            {
                if (expert.Client.GetService(typeof(OfflineChatClient)) is OfflineChatClient { Learns: true } learner)
                {
                    await learner.LearnAsync(applied.Evidence ?? [], applied.Choices, truth!, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        return report;
    }

    public Task<IReadOnlyList<ExpertReliability>> GetReliabilityAsync(CancellationToken cancellationToken = default)
        => _reliability.ReadAsync(Experts, cancellationToken);

    private Task<ExpertCall<ParsedVerdict>> AskVerdictAsync(
        Expert expert, List<Microsoft.Extensions.AI.ChatMessage> messages, IReadOnlyList<string> choices, CancellationToken deadline, CancellationToken caller, string task = ExpertTasks.Verdict)
        => _caller.AskAsync(
            expert,
            task,
            messages,
            reply =>
            {
                var verdict = VerdictParser.Parse(reply, choices, _options.MaxReplyCharacters);
                return (verdict.IsUsable ? verdict : null, verdict.Problem);
            },
            deadline,
            caller);

    private async Task<PeerReviewBallot[]> RunPeerReviewAsync(
        QuestionView view, ExpertOpinion[] opinions, List<(string?, TokenUsage, string)> spend, CancellationToken deadline, CancellationToken caller)
    {
        var reviewers = new List<(Expert Expert, IReadOnlyList<PeerReviewLabel> Labels, Task<ExpertCall<IReadOnlyList<string>>> Call)>();
        for (var i = 0; i < opinions.Length; i++)
        {
            if (!opinions[i].IsValid)
            {
                continue;
            }

            var others = opinions.Where(o => o.IsValid && o.Expert != opinions[i].Expert).ToDictionary(o => o.Expert, StringComparer.Ordinal);
            IReadOnlyList<PeerReviewLabel> labels;
            lock (_randomLock)
            {
                labels = PeerReviewLabels.Assign(others.Keys.ToArray(), _random);
            }

            var request = new ExpertRequest(
                ExpertTasks.PeerReview,
                view,
                labels.Select(l => new LabelledAnswer(l.Label, others[l.Expert].Answer!, others[l.Expert].Confidence, others[l.Expert].Rationale)).ToArray());
            var expert = _experts[i];
            var labelNames = labels.Select(l => l.Label).ToArray();
            var messages = ExpertPrompts.PeerReview(expert.RolePrompt, request);
            var call = Task.Run(
                () => _caller.AskAsync(
                    expert,
                    ExpertTasks.PeerReview,
                    messages,
                    reply =>
                    {
                        var problem = RankingParser.TryParse(reply, labelNames, _options.MaxReplyCharacters, out var ranking);
                        return (problem is null ? ranking : null, problem);
                    },
                    deadline,
                    caller),
                CancellationToken.None);
            reviewers.Add((expert, labels, call));
        }

        await Task.WhenAll(reviewers.Select(r => r.Call)).ConfigureAwait(false);
        var ballots = new PeerReviewBallot[reviewers.Count];
        for (var i = 0; i < reviewers.Count; i++)
        {
            var (expert, labels, task) = reviewers[i];
            var call = await task.ConfigureAwait(false);
            spend.Add((call.ModelId, call.Tokens, expert.Name));
            var byLabel = labels.ToDictionary(l => l.Label, l => l.Expert, StringComparer.Ordinal);
            ballots[i] = call.Value is { } ranking
                ? new PeerReviewBallot(expert.Name, ranking.Select(label => byLabel[label]).ToArray(), labels)
                : new PeerReviewBallot(expert.Name, [], labels, call.Error);
        }

        return ballots;
    }

    private async Task<ExpertOpinion> SynthesiseAsync(
        Expert chairman, QuestionView view, ExpertOpinion[] opinions, List<(string?, TokenUsage, string)> spend, CancellationToken deadline, CancellationToken caller)
    {
        var valid = opinions.Where(o => o.IsValid).ToDictionary(o => o.Expert, StringComparer.Ordinal);
        IReadOnlyList<PeerReviewLabel> labels;
        lock (_randomLock)
        {
            labels = PeerReviewLabels.Assign(valid.Keys.ToArray(), _random);
        }

        var request = new ExpertRequest(
            ExpertTasks.Synthesis,
            view,
            labels.Select(l => new LabelledAnswer(l.Label, valid[l.Expert].Answer!, valid[l.Expert].Confidence, valid[l.Expert].Rationale, valid[l.Expert].PeerScore)).ToArray());
        var call = await AskVerdictAsync(chairman, ExpertPrompts.Synthesis(chairman.RolePrompt, request), view.Choices, deadline, caller, ExpertTasks.Synthesis).ConfigureAwait(false);
        spend.Add((call.ModelId, call.Tokens, chairman.Name));
        return ToOpinion(chairman, call);
    }

    private static ExpertOpinion ToOpinion(Expert expert, ExpertCall<ParsedVerdict> call)
    {
        var verdict = call.Value;
        var status = verdict is { Abstained: true } ? OpinionStatus.Abstained : call.Status;
        return new ExpertOpinion
        {
            Expert = expert.Name,
            Status = status,
            Answer = status == OpinionStatus.Answered ? verdict!.Answer : null,
            Confidence = status == OpinionStatus.Answered ? verdict!.Confidence : 0,
            Rationale = verdict?.Rationale,
            Error = status == OpinionStatus.Abstained ? "abstained: " + (verdict!.Rationale ?? "no reason given") : call.Error,
            Repaired = call.Repaired && call.Status == OpinionStatus.Answered,
            LatencyMilliseconds = call.LatencyMilliseconds,
            Tokens = call.Tokens,
            ModelId = call.ModelId,
        };
    }

    private static string DescribeErrors(IEnumerable<ExpertOpinion> opinions)
    {
        var failed = opinions.Where(o => !o.IsValid).Select(o => $"{o.Expert}: {o.Error}").ToArray();
        return failed.Length == 0 ? "none" : string.Join("; ", failed);
    }

    private decimal Price(string? model, TokenUsage tokens)
        => model is not null && _options.Prices.TryGetValue(model, out var price) && price is not null
            ? ((tokens.InputTokens * price.InputPerMillionTokens) + (tokens.OutputTokens * price.OutputPerMillionTokens)) / 1_000_000m
            : 0m;

    private async Task<T?> StoreCallAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ExpertsLog.StoreFailed(_logger, operation, exception);
            return default;
        }
    }

    private void RecordExpert(ExpertOpinion opinion)
    {
        var expertTag = new KeyValuePair<string, object?>("expert", opinion.Expert);
        var statusTag = new KeyValuePair<string, object?>("status", StatusName(opinion.Status));
        ExpertsDiagnostics.ExpertDuration.Record(opinion.LatencyMilliseconds / 1000, expertTag, statusTag);
        if (!opinion.IsValid)
        {
            ExpertsDiagnostics.ExpertFailures.Add(1, expertTag, statusTag);
            ExpertsLog.ExpertFailed(_logger, opinion.Expert, StatusName(opinion.Status), opinion.Error ?? "unknown");
        }
    }

    private static void RecordTokens(string expert, TokenUsage tokens)
    {
        var expertTag = new KeyValuePair<string, object?>("expert", expert);
        if (tokens.InputTokens > 0)
        {
            ExpertsDiagnostics.Tokens.Add(tokens.InputTokens, expertTag, new KeyValuePair<string, object?>("direction", "input"));
        }

        if (tokens.OutputTokens > 0)
        {
            ExpertsDiagnostics.Tokens.Add(tokens.OutputTokens, expertTag, new KeyValuePair<string, object?>("direction", "output"));
        }
    }

    private static void Record(Activity? activity, ConsultationResult result, string outcome, TimeSpan elapsed)
    {
        var aggregationTag = new KeyValuePair<string, object?>("aggregation", StrategyName(result.Aggregation));
        ExpertsDiagnostics.Consultations.Add(1, new KeyValuePair<string, object?>("outcome", outcome), aggregationTag);
        ExpertsDiagnostics.ConsultationDuration.Record(elapsed.TotalSeconds, aggregationTag);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("experts.consultation_id", result.ConsultationId);
        activity.SetTag("experts.aggregation", StrategyName(result.Aggregation));
        activity.SetTag("experts.outcome", outcome);
        activity.SetTag("experts.answer", result.Answer);
        activity.SetTag("experts.confidence", result.Confidence);
        activity.SetTag("experts.dissenters", result.Dissenters.Count);
        activity.SetTag("experts.tokens", result.TotalTokens.TotalTokens);
    }

    private static string StatusName(OpinionStatus status) => status switch
    {
        OpinionStatus.Answered => "answered",
        OpinionStatus.Abstained => "abstained",
        OpinionStatus.Unusable => "unusable",
        OpinionStatus.TimedOut => "timedOut",
        _ => "failed",
    };

    private static string StrategyName(AggregationStrategy strategy) => strategy switch
    {
        AggregationStrategy.Majority => "majority",
        AggregationStrategy.Weighted => "weighted",
        AggregationStrategy.ConfidenceWeighted => "confidenceWeighted",
        _ => "chairman",
    };
}
