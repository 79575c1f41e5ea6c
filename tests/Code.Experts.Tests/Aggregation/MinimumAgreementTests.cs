using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Aggregation;

/// <summary>A plurality is not a consensus: the winning answer needs a minimum share of the weight.</summary>
public class MinimumAgreementTests
{
    private static readonly ExpertQuestion Question = ExpertQuestion.Decision("Promote?", PromotionDecision.Choices);

    [Theory]
    [InlineData(AggregationStrategy.Majority)]
    [InlineData(AggregationStrategy.Weighted)]
    [InlineData(AggregationStrategy.ConfidenceWeighted)]
    public async Task One_expert_of_three_is_no_consensus_by_default(AggregationStrategy strategy)
    {
        using var host = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("promote", 0.9))
            .AddChatExpert("b", ScriptedChatClient.Answering("hold", 0.6))
            .AddChatExpert("c", ScriptedChatClient.Answering("rollback", 0.5)));

        var result = await host.Circle.ConsultAsync(Question with { Aggregation = strategy });

        Assert.False(result.HasConsensus);
        Assert.Null(result.Answer);
        Assert.Equal(0, result.Confidence);
        Assert.Empty(result.Dissenters);
        Assert.Contains("'promote' has", result.NoConsensusReason, StringComparison.Ordinal);
        Assert.Contains("experts.minimum_agreement is 60 %", result.NoConsensusReason, StringComparison.Ordinal);
        Assert.Equal(3, result.Support.Count); // the split is still shown
    }

    [Fact]
    public async Task The_console_samples_three_way_split_of_the_offline_experts_is_no_consensus()
    {
        using var host = new CircleHost(e => e.AddOfflineExperts());

        var result = await host.Circle.ConsultAsync(ExpertQuestion.Decision(
            "Promote checkout-api 2.4.1 from 10 % to 100 %?",
            PromotionDecision.Choices,
            Evidence.OfNumber(EvidenceNames.CanaryScore, 0),
            Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, 20, "%"),
            Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.0001),
            Evidence.OfNumber(EvidenceNames.ChangedLines, 420),
            Evidence.OfNumber(EvidenceNames.ChangedFiles, 12),
            Evidence.OfText(EvidenceNames.ChangeSummary, "Rewrite of the receipt rounding")));

        Assert.Equal(["rollback", "hold", "promote"], result.Opinions.Select(o => o.Answer));
        Assert.False(result.HasConsensus);
        Assert.StartsWith("the leading answer 'rollback' has 33 % of the weight", result.NoConsensusReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.6, true)] // two of three: 67 %
    [InlineData(0.67, false)]
    [InlineData(0, true)]
    public async Task Two_of_three_meets_the_default_and_the_minimum_is_configurable(double minimum, bool consensus)
    {
        using var host = new CircleHost(
            e => e
                .AddChatExpert("a", ScriptedChatClient.Answering("rollback"))
                .AddChatExpert("b", ScriptedChatClient.Answering("rollback"))
                .AddChatExpert("c", ScriptedChatClient.Answering("promote")),
            o => o.MinimumAgreement = minimum);

        var result = await host.Circle.ConsultAsync(Question);

        Assert.Equal(consensus, result.HasConsensus);
        Assert.Equal(consensus ? "rollback" : null, result.Answer);
    }

    [Fact]
    public async Task Half_the_weight_is_not_a_consensus_even_when_confidence_breaks_the_tie()
    {
        using var host = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("promote", 0.9))
            .AddChatExpert("b", ScriptedChatClient.Answering("hold", 0.6)));

        var result = await host.Circle.ConsultAsync(Question);

        Assert.False(result.HasConsensus);
        Assert.Contains("'promote' has 50 % of the weight", result.NoConsensusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exactly_the_minimum_share_is_enough()
    {
        // Weighted: 3 x 0.5 for promote against 2 x 0.5 for hold is exactly 60 %.
        using var host = new CircleHost(e => e
            .AddChatExpert("senior", ScriptedChatClient.Answering("promote"), o => o.Weight = 3)
            .AddChatExpert("a", ScriptedChatClient.Answering("hold"))
            .AddChatExpert("b", ScriptedChatClient.Answering("hold")));

        var result = await host.Circle.ConsultAsync(Question);

        Assert.Equal("promote", result.Answer);
        Assert.Equal(0.6, result.Confidence, 9);
    }
}
