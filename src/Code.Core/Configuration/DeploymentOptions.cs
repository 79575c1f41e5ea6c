using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration;

/// <summary>Settings of the deployment engine (config.toml section <c>deploy_code</c>).</summary>
public sealed class DeploymentOptions
{
    /// <summary>Gets or sets how many deployments may run at once across all applications.</summary>
    /// <value>The default value is 5; allowed 1 to 1000.</value>
    [ConfigurationKeyName("max_parallel_deployments")]
    public int MaxParallelDeployments { get; set; } = CodeDefaults.MaxParallelDeployments;

    /// <summary>Gets or sets how many consecutive failures open a target's circuit breaker.</summary>
    /// <value>The default value is 3; allowed 1 to 1000.</value>
    [ConfigurationKeyName("circuit_breaker_threshold")]
    public int CircuitBreakerThreshold { get; set; } = CodeDefaults.CircuitBreakerThreshold;

    /// <summary>Gets or sets the interval in seconds between health checks of deployed instances.</summary>
    /// <value>The default value is 30; allowed 1 to 3600.</value>
    [ConfigurationKeyName("health_check_interval")]
    public int HealthCheckInterval { get; set; } = CodeDefaults.HealthCheckInterval;

    /// <summary>Gets or sets how long, in seconds, a rollback may take before it is reported as failed.</summary>
    /// <value>The default value is 300; allowed 1 to 86400.</value>
    [ConfigurationKeyName("rollback_timeout")]
    public int RollbackTimeout { get; set; } = CodeDefaults.RollbackTimeout;

    /// <summary>Gets or sets the strategy used when a deployment names none: <c>rolling</c>, <c>blue_green</c> or <c>canary</c>.</summary>
    /// <value>The default value is <c>rolling</c>.</value>
    [ConfigurationKeyName("default_strategy")]
    public string DefaultStrategy { get; set; } = DeploymentStrategyNames.Rolling;

    /// <summary>Gets or sets a value indicating whether deployments only plan their steps and touch no target.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    [ConfigurationKeyName("dry_run")]
    public bool DryRun { get; set; }
}
