using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge.Evaluation.HeldOut;

/// <summary>The latency distribution family of a held-out case.</summary>
internal enum LatencyFamily
{
    LogNormal,
    Gamma,
    Weibull,
    Bimodal,
    ParetoExcursions,
}

/// <summary>What a held-out case regresses.</summary>
internal enum HeldOutRegression
{
    None,
    LatencyLevel,
    LatencyTail,
    ErrorRate,
}

/// <summary>One labelled held-out comparison.</summary>
internal sealed record HeldOutCase(
    int Id,
    LatencyFamily Family,
    bool IntegerMilliseconds,
    double Autocorrelation,
    HeldOutRegression Regression,
    double Magnitude,
    int SamplesPerSide,
    CanaryJudgeRequest Request);
