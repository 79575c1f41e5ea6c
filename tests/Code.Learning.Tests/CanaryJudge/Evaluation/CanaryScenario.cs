namespace Code.Learning.Tests.CanaryJudge.Evaluation;

/// <summary>The metrics of a generated canary comparison.</summary>
internal enum ScenarioMetric
{
    Latency,
    ErrorRate,
    Saturation,
}

/// <summary>How an injected regression unfolds over the analysis window.</summary>
internal enum RegressionShape
{
    /// <summary>Every canary interval is worse by the magnitude.</summary>
    Step,

    /// <summary>Worse by 0 at the start growing linearly to twice the magnitude (the mean is the magnitude).</summary>
    Ramp,

    /// <summary>A step with 50 % more interval-to-interval noise.</summary>
    NoisyStep,
}

/// <summary>One labelled comparison: the per-interval values of baseline and canary for three metrics.</summary>
/// <param name="Id">Case number.</param>
/// <param name="Regressed">The metric with an injected regression, or null for a noise-only case.</param>
/// <param name="Magnitude">The regression's mean relative worsening (0 for noise only).</param>
/// <param name="Shape">The regression's shape.</param>
/// <param name="Baseline">Baseline values per metric.</param>
/// <param name="Canary">Canary values per metric.</param>
/// <param name="Nominal">The service's nominal value per metric (what an operator would know as "normal").</param>
internal sealed record CanaryScenario(
    int Id,
    ScenarioMetric? Regressed,
    double Magnitude,
    RegressionShape Shape,
    IReadOnlyDictionary<ScenarioMetric, double[]> Baseline,
    IReadOnlyDictionary<ScenarioMetric, double[]> Canary,
    IReadOnlyDictionary<ScenarioMetric, double> Nominal);
