namespace Code.Learning.CanaryJudge;

/// <summary>
/// Compares canary metrics with baseline metrics in the manner of Netflix/Google's Kayenta: per metric,
/// drop NaNs, run a Mann-Whitney U test (widened for serial dependence) with the Hodges-Lehmann shift and its
/// interval from the same distribution, and a tail rank test; correct for testing many metrics (Holm by
/// default); classify each metric High/Low (a significant harmful shift beyond the tolerance), Pass (a harmful
/// shift beyond the tolerance ruled out), Inconclusive (neither: more samples needed) or NoData; then score the
/// weighted groups 0-100 and give a verdict (Pass, Marginal, Fail, Inconclusive, NoData).
/// </summary>
/// <remarks>Stateless and thread-safe. Code.Deploy feeds it the samples of each analysis step.</remarks>
public interface ICanaryJudge
{
    /// <summary>Judges one analysis.</summary>
    /// <param name="request">The metrics.</param>
    /// <returns>The judgement.</returns>
    /// <exception cref="ArgumentException">The request is empty, has duplicate metric names, bad weights or too many samples.</exception>
    CanaryJudgment Judge(CanaryJudgeRequest request);
}
