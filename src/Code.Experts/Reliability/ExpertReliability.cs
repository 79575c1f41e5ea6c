namespace Code.Experts.Reliability;

/// <summary>
/// An expert's learned reliability: a Beta(<see cref="Alpha"/>, <see cref="Beta"/>) posterior over the
/// probability that its answer is right, from the prior and the reported outcomes.
/// </summary>
/// <param name="Expert">The expert.</param>
/// <param name="Successes">Reported outcomes the expert got right.</param>
/// <param name="Failures">Reported outcomes the expert got wrong.</param>
/// <param name="Alpha">Prior alpha plus successes.</param>
/// <param name="Beta">Prior beta plus failures.</param>
public sealed record ExpertReliability(string Expert, long Successes, long Failures, double Alpha, double Beta)
{
    /// <summary>Gets the posterior mean, alpha / (alpha + beta): the reliability the weighted strategies use.</summary>
    public double Mean => Alpha / (Alpha + Beta);
}
