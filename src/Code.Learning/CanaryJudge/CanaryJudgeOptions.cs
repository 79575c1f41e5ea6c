namespace Code.Learning.CanaryJudge;

/// <summary>Settings of the canary judge.</summary>
public sealed class CanaryJudgeOptions
{
    /// <summary>
    /// Gets or sets the confidence of the analysis (<c>learning.canary_confidence</c>): with the default Holm correction,
    /// the chance that any metric (or tail) of one analysis fails by chance is at most 1 - confidence.
    /// </summary>
    /// <value>The default value is 0.98.</value>
    public double Confidence { get; set; } = CanaryJudgeDefaults.Confidence;

    /// <summary>Gets or sets the score (0-100) at or above which a fully decided canary passes.</summary>
    /// <value>The default value is 95.</value>
    public double PassThreshold { get; set; } = CanaryJudgeDefaults.PassThreshold;

    /// <summary>Gets or sets the score below which the canary fails; between it and the pass threshold the canary is marginal.</summary>
    /// <value>The default value is 75.</value>
    public double MarginalThreshold { get; set; } = CanaryJudgeDefaults.MarginalThreshold;

    /// <summary>Gets or sets the correction for testing many metrics and tails in one analysis.</summary>
    /// <value>The default value is <see cref="CanaryMultipleTesting.Holm"/>.</value>
    public CanaryMultipleTesting MultipleTesting { get; set; } = CanaryMultipleTesting.Holm;

    /// <summary>
    /// Gets or sets a value indicating whether the judge estimates the serial correlation of each metric's samples
    /// (given in time order) and widens its tests accordingly; off, the samples are taken as independent.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AdjustForAutocorrelation { get; set; } = true;

    internal void Validate()
    {
        if (!(Confidence > 0.5 && Confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "The canary judge's confidence must be greater than 0.5 and less than 1.");
        }

        if (!(MarginalThreshold >= 0 && MarginalThreshold <= PassThreshold && PassThreshold <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(PassThreshold), PassThreshold, $"The canary judge needs 0 <= marginal threshold ({MarginalThreshold}) <= pass threshold ({PassThreshold}) <= 100.");
        }

        if (!Enum.IsDefined(MultipleTesting))
        {
            throw new ArgumentOutOfRangeException(nameof(MultipleTesting), MultipleTesting, "Unknown multiple-testing correction.");
        }
    }
}

/// <summary>Defaults of the canary judge (Kayenta's score thresholds).</summary>
internal static class CanaryJudgeDefaults
{
    public const string Group = "default";
    public const double Tolerance = 0.05;
    public const double TailQuantile = 0.95;
    public const double TailTolerance = 0.10;
    public const int MinimumSamples = 3;
    public const double Confidence = 0.98;
    public const double PassThreshold = 95;
    public const double MarginalThreshold = 75;
    public const int MaxSamplesPerSide = 1_000_000;
    public const int MaxMetrics = 1000;

    /// <summary>Pooled outlier fences are not applied when they would remove more than this share of either side (the "outliers" are then a shift).</summary>
    public const double MaxOutlierShare = 0.25;
}
