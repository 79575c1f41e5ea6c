using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Aggregation;

public class ChairmanTests
{
    private static readonly ExpertQuestion Question = ExpertQuestion.Decision("Promote?", PromotionDecision.Choices) with { Aggregation = AggregationStrategy.Chairman };

    [Fact]
    public async Task The_chairman_reads_anonymised_opinions_and_its_verdict_is_the_answer()
    {
        var chair = new ScriptedChatClient(call => Task.FromResult(ScriptedChatClient.Reply(call.Request.Task == "synthesis"
            ? ScriptedChatClient.Verdict("rollback", 0.75, "the rollback rationale is the only one citing the error budget")
            : ScriptedChatClient.Verdict("hold", 0.5))));
        using var host = new CircleHost(
            e => e
                .AddChatExpert("alice", ScriptedChatClient.Answering("promote", 0.6, "looks fine"))
                .AddChatExpert("bob", ScriptedChatClient.Answering("rollback", 0.9, "error budget burnt"))
                .AddChatExpert("chair", chair),
            o => o.Chairman = "chair");

        var result = await host.Circle.ConsultAsync(Question);

        Assert.Equal("rollback", result.Answer);
        Assert.Equal(0.75, result.Confidence);
        Assert.Equal(AggregationStrategy.Chairman, result.Aggregation);
        Assert.Equal(["alice", "chair"], result.Dissenters);
        Assert.NotNull(result.Synthesis);
        Assert.Equal("chair", result.Synthesis.Expert);
        Assert.Equal(2, chair.Calls);
        var synthesis = chair.Received.Single(c => c.Request.Task == "synthesis");
        var shown = synthesis.Request.Answers!;
        Assert.Equal(3, shown.Count);
        Assert.Equal(["A", "B", "C"], shown.Select(a => a.Label));
        Assert.Contains(shown, a => a.Answer == "rollback" && a.Rationale == "error budget burnt");
        Assert.DoesNotContain("alice", synthesis.UserText, StringComparison.Ordinal);
        Assert.DoesNotContain("bob", synthesis.UserText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_peer_review_the_chairman_sees_each_answers_peer_score()
    {
        static ScriptedChatClient Member(string answer) => new(call => Task.FromResult(ScriptedChatClient.Reply(call.Request.Task switch
        {
            "peer_review" => "{\"ranking\": [" + string.Join(", ", call.Request.Answers!.OrderBy(a => a.Answer == "rollback" ? 0 : 1).ThenBy(a => a.Label).Select(a => $"\"{a.Label}\"")) + "]}",
            "synthesis" => ScriptedChatClient.Verdict(call.Request.Answers!.OrderByDescending(a => a.PeerScore).First().Answer, 0.7),
            _ => ScriptedChatClient.Verdict(answer, 0.8),
        })));
        var chair = Member("promote");
        using var host = new CircleHost(
            e => e.AddChatExpert("a", Member("rollback")).AddChatExpert("b", Member("promote")).AddChatExpert("chair", chair),
            o => o.Chairman = "chair");

        var result = await host.Circle.ConsultAsync(Question with { PeerReview = true });

        // Everyone ranks the rollback answer first, so it has the best peer score and the chairman follows it.
        Assert.Equal(1.0, result.Opinions[0].PeerScore);
        var shown = chair.Received.Single(c => c.Request.Task == "synthesis").Request.Answers!;
        Assert.All(shown, a => Assert.NotNull(a.PeerScore));
        Assert.Equal("rollback", result.Answer);
        Assert.Equal(3, result.PeerReviews.Count);
    }

    [Fact]
    public async Task A_failing_chairman_gives_no_consensus_not_a_guess()
    {
        var chair = new ScriptedChatClient(call => call.Request.Task == "synthesis"
            ? throw new InvalidOperationException("quota exceeded")
            : Task.FromResult(ScriptedChatClient.Reply(ScriptedChatClient.Verdict("promote", 0.9))));
        using var host = new CircleHost(
            e => e.AddChatExpert("a", ScriptedChatClient.Answering("promote")).AddChatExpert("chair", chair),
            o => o.Chairman = "chair");

        var result = await host.Circle.ConsultAsync(Question);

        Assert.False(result.HasConsensus);
        Assert.Equal("the chairman 'chair' gave no usable synthesis: InvalidOperationException: quota exceeded", result.NoConsensusReason);
        Assert.Equal(OpinionStatus.Failed, result.Synthesis!.Status);
    }

    [Fact]
    public async Task Chairman_synthesis_without_a_chairman_is_refused_with_the_key_name()
    {
        using var host = new CircleHost(e => e.AddChatExpert("a", ScriptedChatClient.Answering("promote")));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.Circle.ConsultAsync(Question));

        Assert.Contains("experts.chairman", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chairman_is_not_asked_when_the_quorum_is_not_met()
    {
        var chair = ScriptedChatClient.Answering("promote");
        var failing = new ScriptedChatClient(_ => throw new InvalidOperationException("down"));
        using var host = new CircleHost(
            e => e.AddChatExpert("a", failing).AddChatExpert("b", failing).AddChatExpert("chair", chair),
            o => o.Chairman = "chair");

        var result = await host.Circle.ConsultAsync(Question);

        Assert.False(result.HasConsensus);
        Assert.Null(result.Synthesis);
        Assert.Equal(1, chair.Calls);
    }
}
