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
internal sealed partial class CircleOfExperts : ICircleOfExperts
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
    private readonly CostEstimator _costs;
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
        var learners = experts
            .Select(e => e.Client.GetService(typeof(OfflineChatClient)) as OfflineChatClient)
            .Where(c => c is { Learns: true })
            .Select(c => c!)
            .ToArray();
        _ledger = new ConsultationLedger(store, _reliability, learners, options, time, _logger);
        _costs = new CostEstimator(options.Prices, _logger);
        _cache = new ConsultationCache(store, options, time);
        _sweeper = new ExpiredEntrySweeper(store, options, time);
        _chairman = options.Chairman is null
            ? null
            : experts.FirstOrDefault(e => string.Equals(e.Name, options.Chairman, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"experts.chairman names '{options.Chairman}', which is not a registered expert.", nameof(options));
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

        // The deadline covers the whole consultation, the state store's part included.
        using var deadline = new CancellationTokenSource(_options.ConsultationDeadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var cacheKey = _cache.IsEnabled ? _cache.Key(question, strategy, peerReview, _circleSignature) : null;
        if (cacheKey is not null && !question.BypassCache)
        {
            var cached = await StoreReadAsync("cache read", ct => _cache.TryGetAsync(cacheKey, ct), linked.Token, cancellationToken).ConfigureAwait(false);
            if (cached is not null)
            {
                ExpertsLog.CacheHit(_logger, cacheKey);
                Record(activity, cached, "cached", _time.GetElapsedTime(start));
                return cached;
            }
        }

        var consultationId = Guid.CreateVersion7(_time.GetUtcNow()).ToString("N");
        activity?.SetTag("experts.count", _experts.Count);

        var reliabilityTask = StoreReadAsync("reliability read", ct => _reliability.ReadAsync(Experts, ct), linked.Token, cancellationToken);
        var view = QuestionView.From(question);
        var verdictRequest = ExpertPrompts.Serialize(new ExpertRequest(ExpertTasks.Verdict, view));
        var verdictSchema = ReplySchemas.Verdict(question.Choices);
        var opinionTasks = new Task<ExpertCall<ParsedVerdict>>[_experts.Count];
        for (var i = 0; i < _experts.Count; i++)
        {
            var expert = _experts[i];
            var messages = ExpertPrompts.Verdict(expert.RolePrompt, verdictRequest);
            opinionTasks[i] = Task.Run(
                async () =>
                {
                    var call = await AskVerdictAsync(expert, messages, verdictSchema, question.Choices, linked.Token, cancellationToken).ConfigureAwait(false);
                    ReportProgress(progress, expert, call);
                    return call;
                },
                CancellationToken.None);
        }

        var calls = await Task.WhenAll(opinionTasks).ConfigureAwait(false);
        var reliability = await reliabilityTask.ConfigureAwait(false) ?? _experts.Select(e => _reliability.Prior(e.Name)).ToArray();
        cancellationToken.ThrowIfCancellationRequested();

        var spend = new List<Spend>();
        var opinions = new ExpertOpinion[_experts.Count];
        for (var i = 0; i < _experts.Count; i++)
        {
            opinions[i] = ToOpinion(_experts[i], calls[i]);
            spend.Add(new Spend(_experts[i], calls[i]));
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
        var outcome = strategy == AggregationStrategy.Chairman
            ? OpinionAggregator.Aggregate(AggregationStrategy.Weighted, inputs, minimumAgreement: 0) // support shown to the chairman and the caller
            : OpinionAggregator.Aggregate(strategy, inputs, _options.MinimumAgreement);
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
            EstimatedCost = spend.Sum(s => _costs.Price(s.Expert, s.Model, s.Tokens)),
            DurationMilliseconds = elapsed.TotalMilliseconds,
            CompletedAt = _time.GetUtcNow(),
        };

        foreach (var item in spend)
        {
            RecordTokens(item.Expert, item.Tokens);
        }

        await StoreWriteAsync("consultation record", ct => _ledger.SaveAsync(consultationId, question, opinions, ct), deadline.Token, cancellationToken).ConfigureAwait(false);
        if (cacheKey is not null)
        {
            await StoreWriteAsync("cache write", ct => _cache.PutAsync(cacheKey, result, ct), deadline.Token, cancellationToken).ConfigureAwait(false);
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
            _ = Task.Run(() => StoreReadAsync("sweep of expired entries", _sweeper.SweepAsync, CancellationToken.None, CancellationToken.None), CancellationToken.None);
        }

        return result;
    }

    public Task<OutcomeReport> ReportOutcomeAsync(string consultationId, string correctAnswer, CancellationToken cancellationToken = default)
        => _ledger.ReportAsync(consultationId, correctAnswer, cancellationToken);

    public Task<IReadOnlyList<ExpertReliability>> GetReliabilityAsync(CancellationToken cancellationToken = default)
        => _reliability.ReadAsync(Experts, cancellationToken);

    private Task<ExpertCall<ParsedVerdict>> AskVerdictAsync(
        Expert expert,
        List<Microsoft.Extensions.AI.ChatMessage> messages,
        Microsoft.Extensions.AI.ChatResponseFormatJson schema,
        IReadOnlyList<string> choices,
        CancellationToken deadline,
        CancellationToken caller,
        string task = ExpertTasks.Verdict)
        => _caller.AskAsync(
            expert,
            task,
            messages,
            schema,
            reply =>
            {
                var verdict = VerdictParser.Parse(reply, choices, _options.MaxReplyCharacters);
                return (verdict.IsUsable ? verdict : null, verdict.Problem);
            },
            deadline,
            caller);

    /// <summary>Reports an opinion to the caller's progress; the caller's exception is logged, never the consultation's failure.</summary>
    private void ReportProgress(IProgress<ExpertOpinion>? progress, Expert expert, ExpertCall<ParsedVerdict> call)
    {
        if (progress is null)
        {
            return;
        }

        try
        {
            progress.Report(ToOpinion(expert, call));
        }
        catch (Exception exception)
        {
            ExpertsLog.ProgressFailed(_logger, expert.Name, exception);
        }
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
}
