namespace Code.Learning.CanaryJudge;

/// <summary>How the judge corrects for testing many metrics (and tails) in one analysis.</summary>
public enum CanaryMultipleTesting
{
    /// <summary>
    /// Holm's step-down: the chance that any test of the analysis fails by chance stays below 1 - confidence
    /// (family-wise error rate), whatever the dependence between metrics. The canary's false-failure rate is
    /// bounded by it.
    /// </summary>
    Holm,

    /// <summary>
    /// Benjamini-Hochberg: the expected share of false failures among the failed tests stays below 1 - confidence
    /// (false discovery rate; for independent or positively dependent tests). More power with many metrics, but
    /// the chance of at least one false failure grows with the number of metrics.
    /// </summary>
    BenjaminiHochberg,

    /// <summary>Every test at 1 - confidence: with K tests about K × (1 - confidence) false failures are expected.</summary>
    None,
}
