namespace Code.Learning.Risk;

/// <summary>What the host knows about a deployment before it starts, as input to the risk model.</summary>
/// <param name="Service">The service or application deployed, for example <c>checkout-api</c>.</param>
public sealed record DeploymentRiskFeatures(string Service)
{
    /// <summary>Gets the target environment, for example <c>production</c>.</summary>
    public string? Environment { get; init; }

    /// <summary>Gets the number of changed lines in the release (0 or more).</summary>
    public int LinesChanged { get; init; }

    /// <summary>Gets the number of changed files (0 or more).</summary>
    public int FilesChanged { get; init; }

    /// <summary>Gets a value indicating whether the release changes a database schema or runs a migration.</summary>
    public bool HasMigration { get; init; }

    /// <summary>Gets the fraction of this service's recent deployments that failed, 0 to 1.</summary>
    public double RecentFailureRate { get; init; }

    /// <summary>Gets when the deployment starts (UTC hour and weekday become features); <see langword="null"/> leaves time out.</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>Gets further numeric features (finite values, scaled to roughly [-10, 10]).</summary>
    public IReadOnlyDictionary<string, double>? Numeric { get; init; }

    /// <summary>Gets further categorical features, for example <c>team = payments</c>.</summary>
    public IReadOnlyDictionary<string, string>? Categorical { get; init; }
}
