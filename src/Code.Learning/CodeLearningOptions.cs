using Microsoft.Extensions.Configuration;

namespace Code.Learning;

/// <summary>
/// Settings of Code.Learning beyond those of <c>CodeOptions.Learning</c> (which supplies the learning rate,
/// batch size, checkpoint interval, exploration rate, anomaly threshold, canary confidence and queue
/// capacity). Both bind from the same <c>learning</c> section of the CODE configuration tree
/// (<c>Code:learning</c>, <c>[learning]</c> in config.toml), with snake_case keys (<c>risk_model_id</c>).
/// </summary>
public sealed class CodeLearningOptions
{
    /// <summary>Gets or sets the registry id of the deployment risk model.</summary>
    /// <value>The default value is <c>deployment-risk</c>.</value>
    [ConfigurationKeyName("risk_model_id")]
    public string RiskModelId { get; set; } = CodeLearningDefaults.RiskModelId;

    /// <summary>Gets or sets the registry id of the tool-call sequence model.</summary>
    /// <value>The default value is <c>tool-sequences</c>.</value>
    [ConfigurationKeyName("sequence_model_id")]
    public string SequenceModelId { get; set; } = CodeLearningDefaults.SequenceModelId;

    /// <summary>Gets or sets the n of the tool-call n-gram model, 1 to 4.</summary>
    /// <value>The default value is 3.</value>
    [ConfigurationKeyName("sequence_order")]
    public int SequenceOrder { get; set; } = CodeLearningDefaults.SequenceOrder;

    /// <summary>Gets or sets the number of recent samples each metric series is scored against, 3 to 100000.</summary>
    /// <value>The default value is 60.</value>
    [ConfigurationKeyName("metric_window")]
    public int MetricWindow { get; set; } = CodeLearningDefaults.MetricWindow;

    /// <summary>Gets or sets the most metric series tracked; samples of further series are rejected.</summary>
    /// <value>The default value is 1000.</value>
    [ConfigurationKeyName("max_metric_series")]
    public int MaxMetricSeries { get; set; } = CodeLearningDefaults.MaxMetricSeries;

    /// <summary>Gets or sets the number of hash bits of the risk model's weight table, 4 to 26.</summary>
    /// <value>The default value is 18.</value>
    [ConfigurationKeyName("risk_model_hash_bits")]
    public int RiskModelHashBits { get; set; } = CodeLearningDefaults.RiskModelHashBits;

    /// <summary>Gets or sets the L1 regularization of the risk model.</summary>
    /// <value>The default value is 0.1.</value>
    [ConfigurationKeyName("risk_model_l1")]
    public double RiskModelL1 { get; set; } = CodeLearningDefaults.RiskModelL1;

    /// <summary>Gets or sets the L2 regularization of the risk model.</summary>
    /// <value>The default value is 1.</value>
    [ConfigurationKeyName("risk_model_l2")]
    public double RiskModelL2 { get; set; } = CodeLearningDefaults.RiskModelL2;

    /// <summary>Gets or sets the canary score at or above which a canary passes.</summary>
    /// <value>The default value is 95.</value>
    [ConfigurationKeyName("canary_pass_threshold")]
    public double CanaryPassThreshold { get; set; } = CodeLearningDefaults.CanaryPassThreshold;

    /// <summary>Gets or sets the canary score at or above which a canary that does not pass is marginal.</summary>
    /// <value>The default value is 75.</value>
    [ConfigurationKeyName("canary_marginal_threshold")]
    public double CanaryMarginalThreshold { get; set; } = CodeLearningDefaults.CanaryMarginalThreshold;
}

/// <summary>Defaults of <see cref="CodeLearningOptions"/>.</summary>
internal static class CodeLearningDefaults
{
    public const string RiskModelId = "deployment-risk";
    public const string SequenceModelId = "tool-sequences";
    public const int SequenceOrder = 3;
    public const int MetricWindow = 60;
    public const int MaxMetricSeries = 1000;
    public const int RiskModelHashBits = 18;
    public const double RiskModelL1 = 0.1;
    public const double RiskModelL2 = 1.0;
    public const double CanaryPassThreshold = 95;
    public const double CanaryMarginalThreshold = 75;
}
