namespace Code.Learning.CanaryJudge;

/// <summary>
/// Compares canary metrics with baseline metrics in the manner of Netflix/Google's Kayenta: per metric,
/// drop NaNs, remove IQR outliers, run a Mann-Whitney U test, measure the Hodges-Lehmann shift against a
/// tolerance, classify High/Low/Pass/NoData; then score the weighted groups 0-100.
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
