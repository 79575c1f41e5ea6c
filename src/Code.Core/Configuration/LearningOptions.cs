using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration;

/// <summary>Settings of the online learning loop (config.toml section <c>learning</c>).</summary>
public sealed class LearningOptions
{
    /// <summary>Gets or sets a value indicating whether the learning loop runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the learning rate (FTRL alpha) of the online learners.</summary>
    /// <value>The default value is 0.1; allowed greater than 0 and at most 10.</value>
    [ConfigurationKeyName("learning_rate")]
    public double LearningRate { get; set; } = CodeDefaults.LearningRate;

    /// <summary>Gets or sets how many events the loop folds into the models per batch.</summary>
    /// <value>The default value is 32; allowed 1 to 100000.</value>
    [ConfigurationKeyName("batch_size")]
    public int BatchSize { get; set; } = CodeDefaults.BatchSize;

    /// <summary>Gets or sets the interval in seconds between model checkpoints to the state store.</summary>
    /// <value>The default value is 300; allowed 1 to 86400.</value>
    [ConfigurationKeyName("model_update_interval")]
    public int ModelUpdateInterval { get; set; } = CodeDefaults.ModelUpdateInterval;

    /// <summary>Gets or sets the exploration rate of the bandit policies.</summary>
    /// <value>The default value is 0.1; allowed 0 to 1.</value>
    [ConfigurationKeyName("exploration_rate")]
    public double ExplorationRate { get; set; } = CodeDefaults.ExplorationRate;

    /// <summary>Gets or sets the anomaly score (in robust standard deviations) above which a point is anomalous.</summary>
    /// <value>The default value is 3.5; allowed greater than 0 and at most 100.</value>
    [ConfigurationKeyName("anomaly_threshold")]
    public double AnomalyThreshold { get; set; } = CodeDefaults.AnomalyThreshold;

    /// <summary>Gets or sets the confidence level of the canary judge's statistical tests.</summary>
    /// <value>The default value is 0.98; allowed greater than 0.5 and less than 1.</value>
    [ConfigurationKeyName("canary_confidence")]
    public double CanaryConfidence { get; set; } = CodeDefaults.CanaryConfidence;

    /// <summary>Gets or sets the capacity of the bounded channel that feeds events to the loop.</summary>
    /// <value>The default value is 10000; allowed 1 to 10000000.</value>
    [ConfigurationKeyName("event_queue_capacity")]
    public int EventQueueCapacity { get; set; } = CodeDefaults.EventQueueCapacity;
}
