namespace Code.Experts.Consultation;

/// <summary>The choices of a promotion gate, as asked by Code.Deploy before it promotes a canary.</summary>
public static class PromotionDecision
{
    /// <summary>Promote the new version.</summary>
    public const string Promote = "promote";

    /// <summary>Keep the current traffic split and gather more evidence.</summary>
    public const string Hold = "hold";

    /// <summary>Roll the new version back.</summary>
    public const string Rollback = "rollback";

    /// <summary>Gets the three choices in the order promote, hold, rollback.</summary>
    public static IReadOnlyList<string> Choices { get; } = [Promote, Hold, Rollback];
}
