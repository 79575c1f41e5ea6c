namespace Code.Experts.Experts.Offline;

/// <summary>
/// The thresholds of the offline experts, on top of the common expert options. An offline expert answers
/// promote, hold or rollback (mapped onto the question's choices) or abstains when its evidence is missing.
/// </summary>
public sealed class OfflineExpertOptions : ChatExpertOptions
{
    /// <summary>Gets or sets the error-rate increase (fraction) from which the error-rate expert says hold.</summary>
    /// <value>The default value is 0.005 (half a percentage point).</value>
    public double HoldErrorRateDelta { get; set; } = 0.005;

    /// <summary>Gets or sets the error-rate increase (fraction) from which the error-rate expert says rollback.</summary>
    /// <value>The default value is 0.02 (two percentage points).</value>
    public double RollbackErrorRateDelta { get; set; } = 0.02;

    /// <summary>Gets or sets the canary score at or below which the error-rate expert says hold.</summary>
    /// <value>The default value is 0.8.</value>
    public double HoldCanaryScore { get; set; } = 0.8;

    /// <summary>Gets or sets the canary score at or below which the error-rate expert says rollback.</summary>
    /// <value>The default value is 0.5.</value>
    public double RollbackCanaryScore { get; set; } = 0.5;

    /// <summary>Gets or sets the p95 latency increase (percent) from which the latency expert says hold.</summary>
    /// <value>The default value is 10.</value>
    public double HoldLatencyDeltaPercent { get; set; } = 10;

    /// <summary>Gets or sets the p95 latency increase (percent) from which the latency expert says rollback.</summary>
    /// <value>The default value is 25.</value>
    public double RollbackLatencyDeltaPercent { get; set; } = 25;

    /// <summary>Gets or sets the number of changed lines that alone counts as a large change.</summary>
    /// <value>The default value is 500.</value>
    public double LargeChangeLines { get; set; } = 500;

    /// <summary>Gets or sets the number of changed files that alone counts as a wide change.</summary>
    /// <value>The default value is 20.</value>
    public double LargeChangeFiles { get; set; } = 20;

    /// <summary>Gets or sets the risk score in [0, 1] from which the change-risk expert says hold.</summary>
    /// <value>The default value is 0.6.</value>
    public double HoldRiskScore { get; set; } = 0.6;

    /// <summary>Gets or sets how many reported outcomes the learned expert needs before it answers.</summary>
    /// <value>The default value is 10.</value>
    public int MinimumOutcomes { get; set; } = 10;

    /// <summary>Gets or sets the learned expert's step size per reported outcome, in (0, 10].</summary>
    /// <value>The default value is 0.3.</value>
    public double LearningRate { get; set; } = 0.3;

    /// <summary>Gets the words that mark a risky area when found in text evidence.</summary>
    /// <value>The default value is migration, schema, drop, database, auth, security, secret, certificate, payment, config, feature flag, dependency.</value>
    public IList<string> RiskyWords { get; } =
        ["migration", "schema", "drop", "database", "auth", "security", "secret", "certificate", "payment", "config", "feature flag", "dependency"];
}
