using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Aggregation;

public class OpinionAggregatorTests
{
    private static readonly ExpertQuestion Question = ExpertQuestion.Decision("Promote?", PromotionDecision.Choices);

    [Theory]
    [InlineData(AggregationStrategy.Majority, "hold", 2.0 / 3)]
    [InlineData(AggregationStrategy.Weighted, "promote", 3.0 / 5)]
    [InlineData(AggregationStrategy.ConfidenceWeighted, "hold", 1.8 / 2.4)]
    public async Task Weighted_and_majority_differ_where_a_heavy_expert_disagrees(AggregationStrategy strategy, string answer, double confidence)
    {
        // Two light experts say hold with confidence 0.9; one expert of weight 3 says promote with confidence 0.2.
        using var host = new CircleHost(e => e
            .AddChatExpert("junior1", ScriptedChatClient.Answering("hold", 0.9))
            .AddChatExpert("junior2", ScriptedChatClient.Answering("hold", 0.9))
            .AddChatExpert("senior", ScriptedChatClient.Answering("promote", 0.2), o => o.Weight = 3));

        var result = await host.Circle.ConsultAsync(Question with { Aggregation = strategy });

        Assert.Equal(answer, result.Answer);
        Assert.Equal(confidence, result.Confidence, 9);
        Assert.Equal(strategy, result.Aggregation);
        Assert.Equal(answer == "hold" ? ["senior"] : ["junior1", "junior2"], result.Dissenters);
    }

    [Fact]
    public async Task Opinions_carry_the_weight_the_strategy_gave_them()
    {
        using var host = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("hold", 0.5), o => o.Weight = 2)
            .AddChatExpert("b", ScriptedChatClient.Answering("hold", 0.8)));

        var result = await host.Circle.ConsultAsync(Question with { Aggregation = AggregationStrategy.ConfidenceWeighted });

        // Weight x reliability (prior mean 0.5) x confidence.
        Assert.Equal(2 * 0.5 * 0.5, result.Opinions[0].Weight, 9);
        Assert.Equal(1 * 0.5 * 0.8, result.Opinions[1].Weight, 9);
    }

    [Fact]
    public async Task With_any_plurality_accepted_a_tie_is_broken_by_confidence_and_otherwise_gives_no_consensus()
    {
        using var broken = new CircleHost(
            e => e
                .AddChatExpert("a", ScriptedChatClient.Answering("hold", 0.9))
                .AddChatExpert("b", ScriptedChatClient.Answering("rollback", 0.6)),
            o => o.MinimumAgreement = 0); // half the weight is below the default minimum agreement

        using var tied = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("hold", 0.7))
            .AddChatExpert("b", ScriptedChatClient.Answering("rollback", 0.7)));

        var byConfidence = await broken.Circle.ConsultAsync(Question with { Aggregation = AggregationStrategy.Majority });
        var none = await tied.Circle.ConsultAsync(Question with { Aggregation = AggregationStrategy.Majority });

        Assert.Equal("hold", byConfidence.Answer);
        Assert.Equal(0.5, byConfidence.Confidence);
        Assert.False(none.HasConsensus);
        Assert.StartsWith("tie between 'hold' and 'rollback'", none.NoConsensusReason, StringComparison.Ordinal);
        Assert.Empty(none.Dissenters);
    }

    [Fact]
    public async Task Zero_confidence_everywhere_gives_no_consensus_under_confidence_weighting()
    {
        using var host = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("hold", 0))
            .AddChatExpert("b", ScriptedChatClient.Answering("hold", 0)));

        var result = await host.Circle.ConsultAsync(Question with { Aggregation = AggregationStrategy.ConfidenceWeighted });

        Assert.False(result.HasConsensus);
        Assert.Contains("zero weight", result.NoConsensusReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, 2, 0.5, 3)]
    [InlineData(1, 2, 0.5, 1)]
    [InlineData(4, 1, 0.75, 3)]
    [InlineData(3, 3, 0, 3)]
    [InlineData(2, 1, 0, 1)]
    public void Quorum_is_the_larger_of_the_count_and_the_fraction(int experts, int minimum, double fraction, int expected)
        => Assert.Equal(expected, Quorum.Required(experts, minimum, fraction));
}
