namespace Code.Experts.Consultation;

/// <summary>
/// Evidence names the built-in offline experts understand. Models read any evidence; these names let
/// the rule-based experts judge a promotion without an API key.
/// </summary>
public static class EvidenceNames
{
    /// <summary>Canary error rate minus baseline error rate, as a fraction (0.01 is one percentage point worse).</summary>
    public const string ErrorRateDelta = "error_rate_delta";

    /// <summary>Relative change of the canary's p95 latency against the baseline, in percent (12.5 is 12.5 % slower).</summary>
    public const string LatencyDeltaPercent = "latency_delta_percent";

    /// <summary>The canary judge's aggregate score in [0, 1]; 1 is indistinguishable from the baseline.</summary>
    public const string CanaryScore = "canary_score";

    /// <summary>Number of changed lines in the release.</summary>
    public const string ChangedLines = "changed_lines";

    /// <summary>Number of changed files in the release.</summary>
    public const string ChangedFiles = "changed_files";

    /// <summary>A text describing the change (commit messages, a diff summary); scanned for risky areas.</summary>
    public const string ChangeSummary = "change_summary";
}
