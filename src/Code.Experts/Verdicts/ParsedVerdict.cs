namespace Code.Experts.Verdicts;

/// <summary>The outcome of reading a verdict from a reply.</summary>
/// <param name="Answer">The answer (the question's own spelling of a choice), or <see langword="null"/>.</param>
/// <param name="Confidence">The confidence in [0, 1].</param>
/// <param name="Rationale">The reasoning, cut to a bounded length.</param>
/// <param name="Abstained">Whether the expert declined to answer.</param>
/// <param name="Problem">Why the reply is unusable, or <see langword="null"/> when it is usable.</param>
internal sealed record ParsedVerdict(string? Answer, double Confidence, string? Rationale, bool Abstained, string? Problem)
{
    public bool IsUsable => Problem is null;

    public static ParsedVerdict Unusable(string problem) => new(null, 0, null, false, problem);
}
