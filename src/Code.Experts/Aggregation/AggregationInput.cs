using Code.Experts.Consultation;

namespace Code.Experts.Aggregation;

/// <summary>A usable opinion with what the aggregation needs to weigh it.</summary>
/// <param name="Opinion">The opinion (status answered).</param>
/// <param name="ConfiguredWeight">The expert's configured weight.</param>
/// <param name="Reliability">The expert's learned reliability (posterior mean).</param>
internal sealed record AggregationInput(ExpertOpinion Opinion, double ConfiguredWeight, double Reliability);

/// <summary>The outcome of an aggregation.</summary>
/// <param name="Answer">The winning answer, or <see langword="null"/>.</param>
/// <param name="Confidence">The winner's share of support.</param>
/// <param name="Support">Support per distinct answer, highest first.</param>
/// <param name="Weights">The weight given to each expert's opinion.</param>
/// <param name="NoConsensusReason">Why there is no winner.</param>
internal sealed record AggregationOutcome(
    string? Answer,
    double Confidence,
    IReadOnlyList<AnswerSupport> Support,
    IReadOnlyDictionary<string, double> Weights,
    string? NoConsensusReason);
