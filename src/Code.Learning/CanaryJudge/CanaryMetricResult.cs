namespace Code.Learning.CanaryJudge;

/// <summary>
/// The judgement of one metric: the location comparison (Mann-Whitney U with the Hodges-Lehmann shift and its
/// interval from the same distribution), the tail comparison(s), the classification and why.
/// </summary>
public sealed record CanaryMetricResult
{
    /// <summary>Gets the metric name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the metric group.</summary>
    public required string Group { get; init; }

    /// <summary>Gets Pass, High, Low, Inconclusive or NoData.</summary>
    public required CanaryMetricClassification Classification { get; init; }

    /// <summary>
    /// Gets the metric's score, 0 to 100: 100 for Pass; for High or Low, 100 × (T - L) / (E - L) clamped to [0, 100],
    /// where E is the estimated harmful shift, L the near end of its interval and T the tolerance — 0 once the shift
    /// beyond the tolerance is itself significant, near 100 when the estimate only just exceeds the tolerance.
    /// NaN for Inconclusive and NoData (they are not scored).
    /// </summary>
    public required double Score { get; init; }

    /// <summary>Gets why the metric was classified so, in a sentence.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets the two-sided Mann-Whitney p-value before any multiple-testing correction (NaN for NoData).</summary>
    public required double PValue { get; init; }

    /// <summary>Gets a value indicating whether the p-value is exact (small samples, no ties, no serial-dependence inflation) rather than the normal approximation.</summary>
    public required bool ExactPValue { get; init; }

    /// <summary>Gets the confidence the location test was decided at and <see cref="EffectLower"/>/<see cref="EffectUpper"/> computed at: 1 - the level the multiple-testing correction gave it.</summary>
    public required double Confidence { get; init; }

    /// <summary>Gets the Hodges-Lehmann shift, canary minus baseline, in the metric's unit.</summary>
    public required double Effect { get; init; }

    /// <summary>Gets the shift divided by the baseline's reference level (its absolute median, or its mean absolute value when the median is 0).</summary>
    public required double RelativeEffect { get; init; }

    /// <summary>Gets the lower end of the shift's interval at <see cref="Confidence"/> (-∞ when the samples cannot bound it).</summary>
    public required double EffectLower { get; init; }

    /// <summary>Gets the upper end of the shift's interval at <see cref="Confidence"/> (+∞ when the samples cannot bound it).</summary>
    public required double EffectUpper { get; init; }

    /// <summary>
    /// Gets the lower one-sided bound of the shift at the analysis's confidence (the lower end of the interval at
    /// 1 - 2α, without multiple-testing correction), widened by the data's resolution (the smallest gap between
    /// distinct values: tied data cannot show smaller shifts). With <see cref="EquivalenceUpper"/> it decides Pass:
    /// the metric passes when the bound on the harmful side lies within the tolerated shift (an equivalence test).
    /// </summary>
    public required double EquivalenceLower { get; init; }

    /// <summary>Gets the upper one-sided bound of the shift at the analysis's confidence (see <see cref="EquivalenceLower"/>).</summary>
    public required double EquivalenceUpper { get; init; }

    /// <summary>Gets the shift, in the metric's unit, that counts as practically relevant: the larger of tolerance × reference level and the absolute tolerance.</summary>
    public required double ToleratedShift { get; init; }

    /// <summary>Gets the baseline median of the values used.</summary>
    public required double BaselineMedian { get; init; }

    /// <summary>Gets the canary median of the values used.</summary>
    public required double CanaryMedian { get; init; }

    /// <summary>Gets the baseline values used.</summary>
    public required int BaselineCount { get; init; }

    /// <summary>Gets the canary values used.</summary>
    public required int CanaryCount { get; init; }

    /// <summary>Gets the values dropped as NaN/infinite or outside the outlier fences, both sides together.</summary>
    public required int Removed { get; init; }

    /// <summary>Gets the factor (at least 1) by which serial dependence was estimated to inflate the test's variance; 1 for independent values or when the adjustment is off.</summary>
    public required double VarianceInflation { get; init; }

    /// <summary>Gets the tail tests made (none when the metric has no tail quantile or too few values for the test to reach significance).</summary>
    public required IReadOnlyList<CanaryTailResult> Tails { get; init; }

    /// <summary>
    /// Gets, for an Inconclusive metric, the estimated number of values per side at which the interval would settle
    /// the question if the shift stayed as estimated (at least one more than now; capped at 1,000,000); otherwise null.
    /// </summary>
    public int? SamplesNeeded { get; init; }

    /// <summary>Gets a value indicating whether the metric counts as failed (High or Low).</summary>
    public bool Failed => Classification is CanaryMetricClassification.High or CanaryMetricClassification.Low;
}

/// <summary>
/// The tail test of one metric: a rank test on the share of the pooled tail (beyond the tail quantile) that comes
/// from the canary, and the tail shift with its interval from inverting the same test.
/// </summary>
/// <param name="Quantile">Where the tail starts: the configured tail quantile for the upper tail, one minus it for the lower tail.</param>
/// <param name="BaselineValue">The baseline's value at that quantile.</param>
/// <param name="CanaryValue">The canary's value at that quantile.</param>
/// <param name="Shift">The tail shift, canary minus baseline: the shift of the canary that would balance the pooled tail.</param>
/// <param name="RelativeShift">The shift divided by the baseline quantile's absolute value (infinite when that is 0 and the shift is not).</param>
/// <param name="Lower">The lower end of the shift's interval at <paramref name="Confidence"/> (the shifts the test does not reject).</param>
/// <param name="Upper">The upper end of that interval.</param>
/// <param name="PValue">The two-sided p-value of the tail test before the multiple-testing correction.</param>
/// <param name="Confidence">The confidence the test was decided at.</param>
/// <param name="Failed">Whether this tail failed the metric: the interval excludes 0 on the harmful side and the shift exceeds the tail tolerance.</param>
public sealed record CanaryTailResult(
    double Quantile,
    double BaselineValue,
    double CanaryValue,
    double Shift,
    double RelativeShift,
    double Lower,
    double Upper,
    double PValue,
    double Confidence,
    bool Failed);
