namespace Code.Experts.Experts.Offline;

/// <summary>How serious the rules judge the evidence.</summary>
internal enum Severity
{
    Promote,
    Hold,
    Rollback,
}

/// <summary>A rule set's judgement, before it is mapped onto the question's choices.</summary>
/// <param name="Severity">Promote, hold or rollback.</param>
/// <param name="Confidence">The confidence in [0, 1].</param>
/// <param name="Rationale">The rule that decided, with the figures.</param>
internal sealed record RuleVerdict(Severity Severity, double Confidence, string Rationale);
