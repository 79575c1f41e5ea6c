using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Consultation;

public class CircleOfExpertsTests
{
    private static readonly ExpertQuestion Promotion = ExpertQuestion.Decision(
        "Promote checkout-api 2.4.1?", PromotionDecision.Choices, Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.001));

    [Fact]
    public async Task Majority_of_three_gives_the_answer_its_share_and_the_dissenter()
    {
        using var host = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("promote", 0.9))
            .AddChatExpert("b", ScriptedChatClient.Answering("Promote.", 0.7))
            .AddChatExpert("c", ScriptedChatClient.Answering("hold", 0.6)));

        var result = await host.Circle.ConsultAsync(Promotion with { Aggregation = AggregationStrategy.Majority });

        Assert.True(result.HasConsensus);
        Assert.Equal("promote", result.Answer);
        Assert.Equal(2.0 / 3, result.Confidence, 9);
        Assert.Equal(["c"], result.Dissenters);
        Assert.Equal(AggregationStrategy.Majority, result.Aggregation);
        Assert.Equal(["a", "b", "c"], result.Opinions.Select(o => o.Expert));
        Assert.All(result.Opinions, o => Assert.Equal(OpinionStatus.Answered, o.Status));
        Assert.Equal("promote", result.Opinions[1].Answer); // the question's spelling, not the model's
        Assert.Equal(0.7, result.Opinions[1].Confidence);
        Assert.Equal("promote", result.Support[0].Answer);
        Assert.Equal(["a", "b"], result.Support[0].Experts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_slow_expert_is_cut_at_its_timeout_while_the_others_answer(bool honoursCancellation)
    {
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<ChatResponse>();
        CircleHost? hostRef = null;
        var slow = new ScriptedChatClient(async call =>
        {
            slowStarted.TrySetResult();
            if (honoursCancellation)
            {
                await Task.Delay(TimeSpan.FromHours(1), hostRef!.Time, call.CancellationToken);
            }
            else
            {
                await never.Task; // ignores the token: the circle must still stop waiting
            }

            return ScriptedChatClient.Reply(ScriptedChatClient.Verdict("rollback", 1));
        });
        var fast1 = ScriptedChatClient.Answering("promote");
        var fast2 = ScriptedChatClient.Answering("promote");
        using var host = new CircleHost(
            e => e.AddChatExpert("fast1", fast1).AddChatExpert("slow", slow, o => o.Timeout = TimeSpan.FromSeconds(5)).AddChatExpert("fast2", fast2),
            o => o.PerExpertTimeout = TimeSpan.FromSeconds(60));
        hostRef = host;

        var consultation = host.Circle.ConsultAsync(Promotion);
        await slowStarted.Task;
        await WaitUntil(() => fast1.Calls == 1 && fast2.Calls == 1);
        host.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(consultation.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await consultation;

        var cut = result.Opinions.Single(o => o.Expert == "slow");
        Assert.Equal(OpinionStatus.TimedOut, cut.Status);
        Assert.Contains("timeout of 5 s", cut.Error, StringComparison.Ordinal);
        Assert.Equal(5000, cut.LatencyMilliseconds);
        Assert.Equal("promote", result.Answer);
        Assert.Empty(result.Dissenters);
        Assert.All(result.Opinions.Where(o => o.Expert != "slow"), o => Assert.Equal(OpinionStatus.Answered, o.Status));
    }

    [Fact]
    public async Task The_consultation_deadline_cuts_every_pending_expert()
    {
        CircleHost? hostRef = null;
        var started = 0;
        var slow = new ScriptedChatClient(async call =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(TimeSpan.FromHours(1), hostRef!.Time, call.CancellationToken);
            return ScriptedChatClient.Reply(ScriptedChatClient.Verdict("hold", 1));
        });
        using var host = new CircleHost(
            e => e.AddChatExpert("s1", slow).AddChatExpert("s2", slow).AddChatExpert("quick", ScriptedChatClient.Answering("hold")),
            o =>
            {
                o.PerExpertTimeout = TimeSpan.FromSeconds(30);
                o.ConsultationDeadline = TimeSpan.FromSeconds(10);
                o.MinimumOpinions = 1;
                o.MinimumOpinionFraction = 0;
            });
        hostRef = host;

        var consultation = host.Circle.ConsultAsync(Promotion);
        await WaitUntil(() => Volatile.Read(ref started) == 2);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        var result = await consultation;

        Assert.All(result.Opinions.Where(o => o.Expert != "quick"), o =>
        {
            Assert.Equal(OpinionStatus.TimedOut, o.Status);
            Assert.Equal("no reply before the consultation deadline", o.Error);
        });
        Assert.Equal("hold", result.Answer);
        Assert.Equal(1, result.Confidence);
    }

    [Fact]
    public async Task A_malformed_reply_is_repaired_by_one_re_ask_that_names_the_problem()
    {
        var sloppy = new ScriptedChatClient(call => Task.FromResult(ScriptedChatClient.Reply(call.Number == 1
            ? "I would promote this release, it looks fine."
            : "Sure! Here it is:\n```json\n{\"Answer\": \"PROMOTE\", \"confidence\": \"85%\", \"reason\": \"clean metrics\"}\n```\nAnything else?")));
        using var host = new CircleHost(e => e.AddChatExpert("sloppy", sloppy).AddChatExpert("tidy", ScriptedChatClient.Answering("promote")));

        var result = await host.Circle.ConsultAsync(Promotion);

        var opinion = result.Opinions[0];
        Assert.Equal(OpinionStatus.Answered, opinion.Status);
        Assert.True(opinion.Repaired);
        Assert.Equal("promote", opinion.Answer);
        Assert.Equal(0.85, opinion.Confidence, 9);
        Assert.Equal("clean metrics", opinion.Rationale);
        Assert.Equal(2, sloppy.Calls);
        var repair = sloppy.Received.Last();
        Assert.Equal(4, repair.Messages.Count);
        Assert.Equal(ChatRole.Assistant, repair.Messages[2].Role);
        Assert.Contains("no JSON object", repair.UserText, StringComparison.Ordinal);
        Assert.False(result.Opinions[1].Repaired);
    }

    [Fact]
    public async Task A_reply_still_unusable_after_the_repair_is_rejected_and_the_circle_goes_on()
    {
        var wrongChoice = new ScriptedChatClient(_ => Task.FromResult(ScriptedChatClient.Reply(ScriptedChatClient.Verdict("ship it", 0.9))));
        using var host = new CircleHost(e => e
            .AddChatExpert("wrong", wrongChoice)
            .AddChatExpert("b", ScriptedChatClient.Answering("rollback"))
            .AddChatExpert("c", ScriptedChatClient.Answering("rollback")));

        var result = await host.Circle.ConsultAsync(Promotion);

        var rejected = result.Opinions[0];
        Assert.Equal(OpinionStatus.Unusable, rejected.Status);
        Assert.Null(rejected.Answer);
        Assert.Contains("after one repair re-ask", rejected.Error, StringComparison.Ordinal);
        Assert.Contains("'ship it' is not one of: promote, hold, rollback", rejected.Error, StringComparison.Ordinal);
        Assert.Equal(2, wrongChoice.Calls);
        Assert.Equal("rollback", result.Answer);
        Assert.Empty(result.Dissenters); // a failed expert is not a dissenter
    }

    [Fact]
    public async Task All_experts_failing_gives_no_consensus_with_each_error()
    {
        var throwing = new ScriptedChatClient(_ => throw new HttpRequestException("401 Unauthorized"));
        var garbage = new ScriptedChatClient(_ => Task.FromResult(ScriptedChatClient.Reply("¯\\_(ツ)_/¯")));
        var faulted = new ScriptedChatClient(_ => Task.FromException<ChatResponse>(new InvalidOperationException("model overloaded")));
        using var host = new CircleHost(e => e.AddChatExpert("auth", throwing).AddChatExpert("garbage", garbage).AddChatExpert("busy", faulted));

        var result = await host.Circle.ConsultAsync(Promotion);

        Assert.False(result.HasConsensus);
        Assert.Null(result.Answer);
        Assert.Equal(0, result.Confidence);
        Assert.Equal(OpinionStatus.Failed, result.Opinions[0].Status);
        Assert.Equal("HttpRequestException: 401 Unauthorized", result.Opinions[0].Error);
        Assert.Equal(OpinionStatus.Unusable, result.Opinions[1].Status);
        Assert.Equal("InvalidOperationException: model overloaded", result.Opinions[2].Error);
        Assert.Contains("only 0 of 3 experts gave a usable opinion; the quorum is 2", result.NoConsensusReason, StringComparison.Ordinal);
        Assert.Contains("auth: HttpRequestException: 401 Unauthorized", result.NoConsensusReason, StringComparison.Ordinal);
        Assert.Contains("garbage: unusable reply", result.NoConsensusReason, StringComparison.Ordinal);
        Assert.Contains("busy: InvalidOperationException: model overloaded", result.NoConsensusReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 0.0, true)]
    [InlineData(4, 0.0, false)]
    [InlineData(1, 0.6, true)]
    [InlineData(1, 0.61, false)]
    public async Task Quorum_needs_enough_usable_opinions(int minimumOpinions, double minimumFraction, bool consensus)
    {
        var failing = new ScriptedChatClient(_ => throw new TimeoutException("gateway"));
        using var host = new CircleHost(
            e => e
                .AddChatExpert("a", ScriptedChatClient.Answering("hold"))
                .AddChatExpert("b", ScriptedChatClient.Answering("hold"))
                .AddChatExpert("c", ScriptedChatClient.Answering("hold"))
                .AddChatExpert("d", failing)
                .AddChatExpert("e", failing),
            o =>
            {
                o.MinimumOpinions = minimumOpinions;
                o.MinimumOpinionFraction = minimumFraction;
            });

        var result = await host.Circle.ConsultAsync(Promotion);

        Assert.Equal(consensus, result.HasConsensus);
        if (!consensus)
        {
            Assert.StartsWith("only 3 of 5 experts gave a usable opinion; the quorum is 4.", result.NoConsensusReason, StringComparison.Ordinal);
            Assert.Contains("d: TimeoutException: gateway; e: TimeoutException: gateway", result.NoConsensusReason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Caller_cancellation_stops_every_pending_call_and_throws()
    {
        var started = 0;
        var observed = new List<CancellationToken>();
        var pending = new ScriptedChatClient(async call =>
        {
            lock (observed)
            {
                observed.Add(call.CancellationToken);
            }

            Interlocked.Increment(ref started);
            await Task.Delay(Timeout.InfiniteTimeSpan, call.CancellationToken);
            return ScriptedChatClient.Reply(ScriptedChatClient.Verdict("hold", 1));
        });
        using var host = new CircleHost(e => e.AddChatExpert("p1", pending).AddChatExpert("p2", pending).AddChatExpert("p3", pending));
        using var cts = new CancellationTokenSource();

        var consultation = host.Circle.ConsultAsync(Promotion, cts.Token);
        await WaitUntil(() => Volatile.Read(ref started) == 3);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consultation);
        Assert.All(observed, t => Assert.True(t.IsCancellationRequested));
    }

    [Fact]
    public async Task Tokens_are_summed_over_every_call_and_priced_per_model()
    {
        var repairing = new ScriptedChatClient(call => Task.FromResult(call.Number == 1
            ? ScriptedChatClient.Reply("not json", inputTokens: 1000, outputTokens: 10, modelId: "gpt-x")
            : ScriptedChatClient.Reply(ScriptedChatClient.Verdict("hold", 0.7), inputTokens: 1200, outputTokens: 40, modelId: "gpt-x")));
        var cheap = new ScriptedChatClient(_ => Task.FromResult(ScriptedChatClient.Reply(ScriptedChatClient.Verdict("hold", 0.6), 500, 50)));
        using var host = new CircleHost(
            e => e.AddChatExpert("gpt", repairing).AddChatExpert("local", cheap, o => o.ModelId = "llama-local"),
            o =>
            {
                o.Prices["gpt-x"] = new ModelPrice { InputPerMillionTokens = 2.5m, OutputPerMillionTokens = 10m };
                o.Prices["llama-local"] = new ModelPrice { InputPerMillionTokens = 0.1m, OutputPerMillionTokens = 0.2m };
            });

        var result = await host.Circle.ConsultAsync(Promotion);

        Assert.Equal(new TokenUsage(2200, 50), result.Opinions[0].Tokens);
        Assert.Equal("gpt-x", result.Opinions[0].ModelId);
        Assert.Equal("llama-local", result.Opinions[1].ModelId);
        Assert.Equal(new TokenUsage(2700, 100), result.TotalTokens);
        Assert.Equal(2800, result.TotalTokens.TotalTokens);
        var expected = ((2200 * 2.5m) + (50 * 10m) + (500 * 0.1m) + (50 * 0.2m)) / 1_000_000m;
        Assert.Equal(expected, result.EstimatedCost);
        var sent = cheap.Received.Single().Options!;
        Assert.Equal("llama-local", sent.ModelId);
        Assert.Equal("expert_verdict", Assert.IsType<ChatResponseFormatJson>(sent.ResponseFormat).SchemaName);
    }

    [Fact]
    public async Task An_abstaining_expert_is_recorded_with_its_reason_and_does_not_vote()
    {
        var abstaining = new ScriptedChatClient(_ => Task.FromResult(ScriptedChatClient.Reply("{\"answer\": null, \"abstain\": true, \"rationale\": \"no latency data\"}")));
        using var host = new CircleHost(e => e
            .AddChatExpert("x", abstaining)
            .AddChatExpert("y", ScriptedChatClient.Answering("hold"))
            .AddChatExpert("z", ScriptedChatClient.Answering("hold")));

        var result = await host.Circle.ConsultAsync(Promotion);

        Assert.Equal(OpinionStatus.Abstained, result.Opinions[0].Status);
        Assert.Equal("abstained: no latency data", result.Opinions[0].Error);
        Assert.Equal(1, abstaining.Calls); // an abstention is an answer, not something to repair
        Assert.Equal("hold", result.Answer);
    }

    [Fact]
    public async Task Free_text_answers_agree_when_equal_ignoring_case_and_punctuation()
    {
        using var host = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("Increase the connection pool"))
            .AddChatExpert("b", ScriptedChatClient.Answering("increase the  connection pool."))
            .AddChatExpert("c", ScriptedChatClient.Answering("Add a read replica")));

        var result = await host.Circle.ConsultAsync(ExpertQuestion.FreeText("What fixes the p99 latency?"));

        Assert.Equal(AnswerKind.FreeText, result.Question.Kind);
        Assert.Equal("Increase the connection pool", result.Answer);
        Assert.Equal(["c"], result.Dissenters);
    }

    [Fact]
    public async Task Experts_see_the_question_and_evidence_as_json_and_their_role_prompt()
    {
        var client = ScriptedChatClient.Answering("promote");
        using var host = new CircleHost(e => e
            .AddChatExpert("sre", client, o => o.RolePrompt = "You are a site reliability engineer.")
            .AddChatExpert("other", ScriptedChatClient.Answering("promote")));

        await host.Circle.ConsultAsync(Promotion with { Evidence = [Evidence.OfNumber("error_rate_delta", 0.001), Evidence.OfText("change_summary", "bump deps")] });

        var call = client.Received.Single();
        Assert.StartsWith("You are a site reliability engineer.", call.Messages[0].Text, StringComparison.Ordinal);
        var request = call.Request;
        Assert.Equal("verdict", request.Task);
        Assert.Equal(AnswerKind.Decision, request.Question.Kind);
        Assert.Equal(PromotionDecision.Choices, request.Question.Choices);
        Assert.Equal(0.001, request.Question.Evidence[0].Value);
        Assert.Equal("bump deps", request.Question.Evidence[1].Text);
    }

    [Fact]
    public async Task Progress_reports_each_opinion_as_it_comes_in()
    {
        var release = new TaskCompletionSource<ChatResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = new ScriptedChatClient(_ => release.Task);
        var progress = new CollectingProgress();
        using var host = new CircleHost(e => e
            .AddChatExpert("quick", ScriptedChatClient.Answering("hold"))
            .AddChatExpert("broken", new ScriptedChatClient(_ => throw new InvalidOperationException("down")))
            .AddChatExpert("waiting", waiting));

        var consultation = host.Circle.ConsultWithProgressAsync(Promotion, progress);
        await WaitUntil(() => progress.Count == 2);
        Assert.False(consultation.IsCompleted);
        Assert.Equal(["broken", "quick"], progress.Opinions.Select(o => o.Expert).Order());
        release.SetResult(ScriptedChatClient.Reply(ScriptedChatClient.Verdict("hold", 0.6)));
        var result = await consultation;

        Assert.Equal(3, progress.Count);
        Assert.Equal("waiting", progress.Opinions[2].Expert);
        Assert.Equal(OpinionStatus.Failed, progress.Opinions.Single(o => o.Expert == "broken").Status);
        Assert.Equal("hold", result.Answer);
    }

    private sealed class CollectingProgress : IProgress<ExpertOpinion>
    {
        private readonly List<ExpertOpinion> _opinions = [];

        public int Count
        {
            get
            {
                lock (_opinions)
                {
                    return _opinions.Count;
                }
            }
        }

        public List<ExpertOpinion> Opinions
        {
            get
            {
                lock (_opinions)
                {
                    return [.. _opinions];
                }
            }
        }

        public void Report(ExpertOpinion value)
        {
            lock (_opinions)
            {
                _opinions.Add(value);
            }
        }
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "condition not reached");
    }
}
