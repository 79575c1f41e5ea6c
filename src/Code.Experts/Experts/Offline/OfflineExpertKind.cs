namespace Code.Experts.Experts.Offline;

/// <summary>The rule sets of the built-in offline experts.</summary>
public enum OfflineExpertKind
{
    /// <summary>Judges <c>error_rate_delta</c> and <c>canary_score</c> against thresholds.</summary>
    ErrorRate,

    /// <summary>Judges <c>latency_delta_percent</c> against thresholds.</summary>
    Latency,

    /// <summary>Scores the size and areas of the change (<c>changed_lines</c>, <c>changed_files</c>, risky words in text evidence).</summary>
    ChangeRisk,

    /// <summary>
    /// A model, not rules: learns from every reported outcome which choice the numeric evidence points to
    /// (multinomial logistic regression kept in the state store), and abstains until it has learned from
    /// <see cref="OfflineExpertOptions.MinimumOutcomes"/> outcomes.
    /// </summary>
    LearnedOutcome,
}
