using Code.Learning.CanaryJudge;

namespace Code.Learning.Tests.CanaryJudge.Evaluation;

/// <summary>One labelled comparison with the judge's verdict and each static rule's decision.</summary>
/// <param name="Kind">What regressed ("none" for noise only).</param>
/// <param name="Magnitude">The regression's size (0 for noise only).</param>
/// <param name="SamplesPerSide">Intervals per side.</param>
/// <param name="Verdict">The judge's verdict.</param>
/// <param name="StaticFailed">Whether each static rule (in the report's order) failed the canary.</param>
internal sealed record JudgedCase(string Kind, double Magnitude, int SamplesPerSide, CanaryVerdict Verdict, bool[] StaticFailed)
{
    public bool Regressed => Magnitude > 0;

    /// <summary>Gets a value indicating whether the judge failed the canary (Fail or Marginal: not promoted as it is).</summary>
    public bool JudgeFailed => Verdict is CanaryVerdict.Fail or CanaryVerdict.Marginal;

    public bool Inconclusive => Verdict is CanaryVerdict.Inconclusive or CanaryVerdict.NoData;
}
