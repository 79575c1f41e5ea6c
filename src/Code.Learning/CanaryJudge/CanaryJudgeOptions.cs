namespace Code.Learning.CanaryJudge;

/// <summary>Settings of the canary judge.</summary>
public sealed class CanaryJudgeOptions
{
    /// <summary>Gets or sets the confidence of each metric's test: a change is significant when its two-sided p-value is below 1 - confidence (<c>learning.canary_confidence</c>).</summary>
    /// <value>The default value is 0.98.</value>
    public double Confidence { get; set; } = CanaryJudgeDefaults.Confidence;

    /// <summary>Gets or sets the score (0-100) at or above which the canary passes.</summary>
    /// <value>The default value is 95.</value>
    public double PassThreshold { get; set; } = CanaryJudgeDefaults.PassThreshold;

    /// <summary>Gets or sets the score at or above which a canary that does not pass is marginal rather than failed.</summary>
    /// <value>The default value is 75.</value>
    public double MarginalThreshold { get; set; } = CanaryJudgeDefaults.MarginalThreshold;

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
    }
}

/// <summary>Defaults of the canary judge (Kayenta's score thresholds).</summary>
internal static class CanaryJudgeDefaults
{
    public const string Group = "default";
    public const double Tolerance = 0.05;
    public const int MinimumSamples = 3;
    public const double Confidence = 0.98;
    public const double PassThreshold = 95;
    public const double MarginalThreshold = 75;
    public const int MaxSamplesPerSide = 1_000_000;
    public const int MaxMetrics = 1000;
}
