namespace Code.Learning.CanaryJudge;

/// <summary>Creates canary judges for hosts that do not use dependency injection (with DI, resolve <see cref="ICanaryJudge"/>).</summary>
public static class CanaryJudges
{
    /// <summary>Creates the Mann-Whitney (Kayenta-style) judge.</summary>
    /// <param name="options">The confidence and score thresholds; defaults when <see langword="null"/>.</param>
    /// <returns>The judge, stateless and thread-safe.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ICanaryJudge Create(CanaryJudgeOptions? options = null) => new MannWhitneyCanaryJudge(options);
}
