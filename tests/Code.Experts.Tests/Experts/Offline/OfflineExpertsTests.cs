using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Experts.Offline;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Experts.Offline;

public class OfflineExpertsTests
{
    private static ExpertQuestion Gate(params Evidence[] evidence) => ExpertQuestion.Decision("Promote checkout-api 2.4.1?", PromotionDecision.Choices, evidence);

    [Fact]
    public async Task A_host_without_an_api_key_gets_a_working_circle_that_promotes_a_healthy_canary()
    {
        using var host = new CircleHost(e => e.AddOfflineExperts());

        var result = await host.Circle.ConsultAsync(Gate(
            Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.0005),
            Evidence.OfNumber(EvidenceNames.CanaryScore, 0.95),
            Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, 2),
            Evidence.OfNumber(EvidenceNames.ChangedLines, 40),
            Evidence.OfNumber(EvidenceNames.ChangedFiles, 3),
            Evidence.OfText(EvidenceNames.ChangeSummary, "Fix typo in the receipt email")));

        Assert.Equal(["offline-error-rate", "offline-latency", "offline-change-risk"], host.Circle.Experts);
        Assert.Equal("promote", result.Answer);
        Assert.Equal(1, result.Confidence);
        Assert.All(result.Opinions, o => Assert.Equal(OpinionStatus.Answered, o.Status));
        Assert.Equal("offline/error-rate", result.Opinions[0].ModelId);
        Assert.Contains("error rate delta +0.05% is under the hold threshold +0.5%", result.Opinions[0].Rationale, StringComparison.Ordinal);
        Assert.Equal(0, result.TotalTokens.TotalTokens);
    }

    [Fact]
    public async Task A_failing_canary_is_rolled_back_and_the_change_risk_expert_dissents()
    {
        using var host = new CircleHost(e => e.AddOfflineExperts());

        var result = await host.Circle.ConsultAsync(Gate(
            Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.05),
            Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, 40),
            Evidence.OfNumber(EvidenceNames.ChangedLines, 20)));

        Assert.Equal("rollback", result.Answer);
        Assert.Equal(OpinionStatus.Answered, result.Opinions[2].Status);
        Assert.Equal("promote", result.Opinions[2].Answer);
        Assert.Equal(["offline-change-risk"], result.Dissenters);
        Assert.Equal(0.95, result.Opinions[0].Confidence, 9);
    }

    [Theory]
    [InlineData(0.004, null, "promote")]
    [InlineData(0.005, null, "hold")]
    [InlineData(0.019, null, "hold")]
    [InlineData(0.02, null, "rollback")]
    [InlineData(null, 0.9, "promote")]
    [InlineData(null, 0.7, "hold")]
    [InlineData(null, 0.4, "rollback")]
    [InlineData(0.001, 0.4, "rollback")]
    [InlineData(0.03, 0.95, "rollback")]
    public async Task Error_rate_rules_follow_the_thresholds(double? delta, double? score, string expected)
    {
        var evidence = new List<Evidence>();
        if (delta is { } d)
        {
            evidence.Add(Evidence.OfNumber(EvidenceNames.ErrorRateDelta, d));
        }

        if (score is { } s)
        {
            evidence.Add(Evidence.OfNumber(EvidenceNames.CanaryScore, s));
        }

        var verdict = await AskAsync(OfflineExperts.CreateClient(OfflineExpertKind.ErrorRate), Gate([.. evidence]));

        Assert.Equal(expected, verdict.Answer);
    }

    [Fact]
    public async Task Risky_areas_and_a_large_change_make_the_change_risk_expert_hold()
    {
        var verdict = await AskAsync(
            OfflineExperts.CreateClient(OfflineExpertKind.ChangeRisk),
            Gate(
                Evidence.OfNumber(EvidenceNames.ChangedLines, 900),
                Evidence.OfNumber(EvidenceNames.ChangedFiles, 30),
                Evidence.OfText(EvidenceNames.ChangeSummary, "Add orders schema migration; rotate auth secret")));

        Assert.Equal("hold", verdict.Answer);
        Assert.Contains("risky areas: migration, schema, auth, secret", verdict.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thresholds_are_configurable()
    {
        using var host = new CircleHost(e => e
            .AddOfflineExpert("strict", OfflineExpertKind.Latency, o => o.HoldLatencyDeltaPercent = 1)
            .AddOfflineExpert("lenient", OfflineExpertKind.Latency, o => o.Weight = 0.5), o => o.Aggregation = AggregationStrategy.Majority);

        var result = await host.Circle.ConsultAsync(Gate(Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, 5)));

        Assert.Equal("hold", result.Opinions[0].Answer);
        Assert.Equal("promote", result.Opinions[1].Answer);
    }

    [Fact]
    public async Task Without_its_evidence_an_offline_expert_abstains()
    {
        using var host = new CircleHost(e => e.AddOfflineExperts());

        var result = await host.Circle.ConsultAsync(Gate(Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, 3)));

        Assert.Equal(OpinionStatus.Abstained, result.Opinions[0].Status);
        Assert.Equal("abstained: the evidence this expert reads is missing", result.Opinions[0].Error);
        Assert.Equal(OpinionStatus.Abstained, result.Opinions[2].Status);
        Assert.False(result.HasConsensus); // one usable opinion of three is under the quorum of two
    }

    [Fact]
    public async Task Offline_experts_map_their_verdict_onto_the_questions_own_words()
    {
        var client = OfflineExperts.CreateClient(OfflineExpertKind.ErrorRate);
        var approve = ExpertQuestion.Decision("Ship it?", ["Approve", "Reject"], Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.01));
        var colours = ExpertQuestion.Decision("Which colour?", ["red", "blue"], Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.0));

        Assert.Equal("Reject", (await AskAsync(client, approve)).Answer); // hold falls back to the cautious choice
        Assert.Null((await AskAsync(client, colours)).Answer);
    }

    [Fact]
    public async Task As_reviewer_and_chairman_offline_experts_rank_by_agreement_and_pick_the_best_supported_answer()
    {
        using var host = new CircleHost(
            e => e
                .AddOfflineExpert("errors", OfflineExpertKind.ErrorRate)
                .AddChatExpert("m1", ScriptedChatClient.Answering("rollback", 0.9))
                .AddChatExpert("m2", ScriptedChatClient.Answering("promote", 0.6))
                .AddChatExpert("m3", ScriptedChatClient.Answering("hold", 0.5)),
            o => o.Chairman = "errors");

        var result = await host.Circle.ConsultAsync(Gate(Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.03)) with
        {
            PeerReview = false,
            Aggregation = AggregationStrategy.Chairman,
        });
        var reviewed = await host.Circle.ConsultAsync(Gate(Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.03)) with { PeerReview = true });

        Assert.Equal("rollback", result.Answer);
        var own = Math.Round(0.75 + (0.2 * (0.01 / 0.015)), 3); // one third of the way from rollback to twice past it
        Assert.Equal(own, result.Opinions[0].Confidence, 9);
        Assert.Equal(Math.Round((own + 0.9) / (own + 0.9 + 0.6 + 0.5), 3), result.Confidence, 9);
        var ballot = reviewed.PeerReviews.Single(b => b.Reviewer == "errors");
        Assert.Equal(["m1", "m3", "m2"], ballot.Ranking);
    }

    [Fact]
    public async Task A_message_that_is_not_a_circle_task_gets_an_abstention()
    {
        var client = OfflineExperts.CreateClient(OfflineExpertKind.Latency);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);

        Assert.Contains("\"abstain\":true", response.Text, StringComparison.Ordinal);
        Assert.IsType<ChatClientMetadata>(client.GetService(typeof(ChatClientMetadata)));
    }

    private static async Task<(string? Answer, string? Rationale)> AskAsync(IChatClient client, ExpertQuestion question)
    {
        var messages = Code.Experts.Verdicts.ExpertPrompts.Verdict(null, new Code.Experts.Verdicts.ExpertRequest("verdict", Code.Experts.Verdicts.QuestionView.From(question)));
        var response = await client.GetResponseAsync(messages);
        var verdict = Code.Experts.Verdicts.VerdictParser.Parse(response.Text, question.Choices, 10_000);
        Assert.True(verdict.IsUsable, verdict.Problem);
        return (verdict.Answer, verdict.Rationale);
    }
}
