namespace Code.Learning.Adaptation;

/// <summary>A variant of an A/B test and its share of the traffic.</summary>
/// <param name="Name">The variant name; the first variant of a test is the control.</param>
/// <param name="Weight">The relative share of units assigned to it, greater than 0.</param>
public sealed record AbVariant(string Name, double Weight = 1);

/// <summary>Settings of an A/B test's sequential significance test and stop rule.</summary>
public sealed class AbTestOptions
{
    /// <summary>
    /// Gets or sets the family-wise significance level: the probability, when no variant differs from the
    /// control, that the test ever reports <see cref="AbTestStatus.Significant"/>, however often it is
    /// evaluated (Bonferroni-split across the comparisons with the control).
    /// </summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = AbTestDefaults.Alpha;

    /// <summary>Gets or sets the samples every variant needs before the test may stop (also guards the normal approximation and the variance estimates).</summary>
    /// <value>The default value is 100.</value>
    public int MinimumSamplesPerVariant { get; set; } = AbTestDefaults.MinimumSamplesPerVariant;

    /// <summary>Gets or sets the samples per variant after which the test stops as "no difference".</summary>
    /// <value>The default value is 100000.</value>
    public int MaximumSamplesPerVariant { get; set; } = AbTestDefaults.MaximumSamplesPerVariant;

    /// <summary>
    /// Gets or sets the standard deviation of the mixing distribution of the sequential test, as a
    /// standardized effect (in standard deviations of the outcome). The test is most sensitive to effects of
    /// about this size, and most sensitive when about 16 / effect² samples per variant (equal split) have
    /// been collected: 1,600 at the default. Set it near the smallest effect worth detecting.
    /// </summary>
    /// <value>The default value is 0.1.</value>
    public double MixtureEffectSize { get; set; } = AbTestDefaults.MixtureEffectSize;
}

/// <summary>Defaults of <see cref="AbTestOptions"/>.</summary>
internal static class AbTestDefaults
{
    public const double Alpha = 0.05;
    public const int MinimumSamplesPerVariant = 100;
    public const int MaximumSamplesPerVariant = 100_000;
    public const double MixtureEffectSize = 0.1;
}

/// <summary>Where an A/B test stands.</summary>
public enum AbTestStatus
{
    /// <summary>Keep collecting samples.</summary>
    Running,

    /// <summary>A variant differs significantly from the control; stop and adopt the winner.</summary>
    Significant,

    /// <summary>Every variant reached the maximum samples without a significant difference; stop.</summary>
    NoDifference,
}

/// <summary>The statistics of one variant.</summary>
/// <param name="Name">The variant.</param>
/// <param name="Count">Samples recorded.</param>
/// <param name="Mean">Mean outcome (the conversion rate for 0/1 outcomes).</param>
/// <param name="StandardDeviation">Sample standard deviation of the outcomes.</param>
public sealed record AbVariantStatistics(string Name, long Count, double Mean, double StandardDeviation);

/// <summary>A variant compared with the control.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Difference">Its mean minus the control's.</param>
/// <param name="RelativeLift">The difference relative to the control's mean (NaN when that is 0).</param>
/// <param name="PValue">
/// The always-valid p-value of the mixture sequential probability ratio test: the smallest 1 / likelihood
/// ratio seen after any sample since both sides had the minimum samples (NaN before). Unlike a fixed-sample
/// p-value it may be compared with alpha after every sample.
/// </param>
/// <param name="Significant">Whether the p-value is below alpha / (variants - 1).</param>
public sealed record AbComparison(string Variant, double Difference, double RelativeLift, double PValue, bool Significant);

/// <summary>The evaluation of an A/B test.</summary>
/// <param name="Status">Running, Significant or NoDifference.</param>
/// <param name="Winner">The best variant when significant (possibly the control), otherwise <see langword="null"/>.</param>
/// <param name="Variants">Each variant's statistics.</param>
/// <param name="Comparisons">Each non-control variant against the control.</param>
public sealed record AbTestResult(AbTestStatus Status, string? Winner, IReadOnlyList<AbVariantStatistics> Variants, IReadOnlyList<AbComparison> Comparisons);
