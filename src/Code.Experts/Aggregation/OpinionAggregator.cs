using System.Globalization;
using Code.Experts.Consultation;
using Code.Experts.Verdicts;

namespace Code.Experts.Aggregation;

/// <summary>
/// Groups usable opinions by answer (a choice, or free text compared in normalized form) and picks the
/// answer with the most support under a strategy. Ties that remain after the tie-breaks, and a winner with less
/// than the minimum agreement, give no consensus.
/// </summary>
internal static class OpinionAggregator
{
    private const double Epsilon = 1e-9;

    /// <summary>Computes the weight of one opinion under a strategy.</summary>
    /// <param name="strategy">The strategy; chairman weighs like weighted.</param>
    /// <param name="input">The opinion and its expert's weights.</param>
    /// <returns>The weight.</returns>
    public static double WeightOf(AggregationStrategy strategy, AggregationInput input) => strategy switch
    {
        AggregationStrategy.Majority => 1,
        AggregationStrategy.ConfidenceWeighted => input.ConfiguredWeight * input.Reliability * input.Opinion.Confidence,
        _ => input.ConfiguredWeight * input.Reliability,
    };

    /// <summary>Picks the answer with the most support.</summary>
    /// <param name="strategy">How opinions are weighed; chairman weighs like weighted.</param>
    /// <param name="inputs">The usable opinions.</param>
    /// <param name="minimumAgreement">The least share of the weight the winner needs (<c>experts.minimum_agreement</c>); 0 accepts any plurality.</param>
    /// <returns>The outcome.</returns>
    public static AggregationOutcome Aggregate(AggregationStrategy strategy, IReadOnlyList<AggregationInput> inputs, double minimumAgreement)
    {
        var weights = inputs.ToDictionary(i => i.Opinion.Expert, i => WeightOf(strategy, i), StringComparer.Ordinal);
        var groups = inputs
            .GroupBy(i => AnswerText.Normalize(i.Opinion.Answer!), StringComparer.Ordinal)
            .Select(g => new Group(
                g.OrderByDescending(i => weights[i.Opinion.Expert]).First().Opinion.Answer!,
                g.Sum(i => weights[i.Opinion.Expert]),
                g.Sum(i => i.Opinion.Confidence),
                g.Average(i => i.Opinion.PeerScore ?? 0),
                g.Select(i => i.Opinion.Expert).ToList()))
            .OrderByDescending(g => g.Support)
            .ThenByDescending(g => g.ConfidenceSum)
            .ThenByDescending(g => g.PeerScore)
            .ToList();

        var total = groups.Sum(g => g.Support);
        var support = groups
            .Select(g => new AnswerSupport(g.Answer, g.Support, total > 0 ? g.Support / total : 0, g.Experts))
            .ToList();
        if (groups.Count == 0)
        {
            return new AggregationOutcome(null, 0, support, weights, "no usable opinion");
        }

        if (total <= 0)
        {
            return new AggregationOutcome(null, 0, support, weights, "every usable opinion has zero weight (zero confidence or reliability)");
        }

        if (groups.Count > 1 && IsTie(groups[0], groups[1]))
        {
            var tied = groups.TakeWhile(g => IsTie(groups[0], g)).Select(g => $"'{g.Answer}'");
            return new AggregationOutcome(
                null,
                0,
                support,
                weights,
                string.Create(CultureInfo.InvariantCulture, $"tie between {string.Join(" and ", tied)} (support {groups[0].Support:0.###} each, same confidence and peer score)"));
        }

        var share = groups[0].Support / total;
        if (share + Epsilon < minimumAgreement)
        {
            return new AggregationOutcome(
                null,
                0,
                support,
                weights,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"the leading answer '{groups[0].Answer}' has {share:0 %} of the weight ({groups[0].Support:0.###} of {total:0.###}); experts.minimum_agreement is {minimumAgreement:0 %}"));
        }

        return new AggregationOutcome(groups[0].Answer, share, support, weights, null);
    }

    private static bool IsTie(Group first, Group other)
        => Math.Abs(first.Support - other.Support) < Epsilon
            && Math.Abs(first.ConfidenceSum - other.ConfidenceSum) < Epsilon
            && Math.Abs(first.PeerScore - other.PeerScore) < Epsilon;

    private sealed record Group(string Answer, double Support, double ConfidenceSum, double PeerScore, List<string> Experts);
}
