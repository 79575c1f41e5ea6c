namespace Code.Experts.Consultation;

/// <summary>How much support one distinct answer got.</summary>
/// <param name="Answer">The answer.</param>
/// <param name="Support">The summed weight of the opinions that gave it, under the aggregation used.</param>
/// <param name="Share">Its share of all support, in [0, 1].</param>
/// <param name="Experts">The experts that gave it.</param>
public sealed record AnswerSupport(string Answer, double Support, double Share, IReadOnlyList<string> Experts);
