using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace Code.Core.Configuration;

/// <summary>
/// Checks every <see cref="CodeOptions"/> value at start-up. Each failure names the config.toml key
/// (<c>section.key</c>, which is <c>Code:section:key</c> in appsettings.json), the value and the rule.
/// </summary>
internal sealed class CodeOptionsValidator : IValidateOptions<CodeOptions>
{
    public ValidateOptionsResult Validate(string? name, CodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        var core = options.Core;
        RequireText(failures, "core.data_dir", core.DataDirectory);
        if (core.DataDirectory?.Contains('\0', StringComparison.Ordinal) == true)
        {
            failures.Add("core.data_dir must not contain a NUL character.");
        }

        Range(failures, "core.max_connections", core.MaxConnections, 1, 1_000_000);
        Range(failures, "core.message_buffer_size", core.MessageBufferSize, 4096, 1L << 30);
        Range(failures, "core.worker_threads", core.WorkerThreads, 0, 1024);
        Range(failures, "core.port", core.Port, 1, 65_535);
        if (!IPAddress.TryParse(core.ListenAddress, out _))
        {
            failures.Add($"core.listen_address must be an IP address such as 127.0.0.1 or ::1; got '{core.ListenAddress}'.");
        }

        var learning = options.Learning;
        Range(failures, "learning.learning_rate", learning.LearningRate, 0, 10, lowerExclusive: true);
        Range(failures, "learning.batch_size", learning.BatchSize, 1, 100_000);
        Range(failures, "learning.model_update_interval", learning.ModelUpdateInterval, 1, 86_400);
        Range(failures, "learning.exploration_rate", learning.ExplorationRate, 0, 1);
        Range(failures, "learning.anomaly_threshold", learning.AnomalyThreshold, 0, 100, lowerExclusive: true);
        Range(failures, "learning.canary_confidence", learning.CanaryConfidence, 0.5, 1, lowerExclusive: true, upperExclusive: true);
        Range(failures, "learning.event_queue_capacity", learning.EventQueueCapacity, 1, 10_000_000);

        var memory = options.Memory;
        Range(failures, "memory.max_message_size", memory.MaxMessageSize, 1024, 256L * 1024 * 1024);
        Range(failures, "memory.cache_size", memory.CacheSize, 1L << 20, 64L << 30);
        Range(failures, "memory.index_buckets", memory.IndexBuckets, 1024, 1L << 30);
        if (memory.IndexBuckets > 0 && (memory.IndexBuckets & (memory.IndexBuckets - 1)) != 0)
        {
            failures.Add($"memory.index_buckets must be a power of two; got {memory.IndexBuckets}.");
        }

        Range(failures, "memory.max_key_size", memory.MaxKeySize, 16, 65_535);
        Range(failures, "memory.max_value_size", memory.MaxValueSize, 1024, 512L * 1024 * 1024);
        Range(failures, "memory.watch_history_size", memory.WatchHistorySize, 1L << 20, 64L << 30);
        if (memory.WatchHistorySize is >= 1L << 20 and <= 64L << 30 && memory.WatchHistorySize < memory.MaxValueSize)
        {
            failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"memory.watch_history_size must be at least memory.max_value_size ({memory.MaxValueSize}), so one change always fits; got {memory.WatchHistorySize}."));
        }

        var deploy = options.Deploy;
        Range(failures, "deploy_code.max_parallel_deployments", deploy.MaxParallelDeployments, 1, 1000);
        Range(failures, "deploy_code.circuit_breaker_threshold", deploy.CircuitBreakerThreshold, 1, 1000);
        Range(failures, "deploy_code.health_check_interval", deploy.HealthCheckInterval, 1, 3600);
        Range(failures, "deploy_code.rollback_timeout", deploy.RollbackTimeout, 1, 86_400);
        OneOf(failures, "deploy_code.default_strategy", deploy.DefaultStrategy, DeploymentStrategyNames.All);

        var persistence = options.Persistence;
        OneOf(failures, "persistence.store", persistence.Store, StateStoreNames.All);
        if (string.Equals(persistence.Store, StateStoreNames.Redis, StringComparison.Ordinal)
            && string.IsNullOrWhiteSpace(persistence.RedisConfiguration))
        {
            failures.Add("persistence.redis_configuration is required when persistence.store is 'redis' (for example 'localhost:6379').");
        }

        Range(failures, "persistence.checkpoint_interval", persistence.CheckpointInterval, 1, 604_800);
        OneOf(failures, "persistence.compression", persistence.Compression, CompressionNames.All);
        Range(failures, "persistence.compression_threshold", persistence.CompressionThreshold, 0, 1L << 30);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key} must be between {min} and {max}; got {value}."));
        }
    }

    private static void Range(
        List<string> failures, string key, double value, double min, double max, bool lowerExclusive = false, bool upperExclusive = false)
    {
        var tooLow = lowerExclusive ? value <= min : value < min;
        var tooHigh = upperExclusive ? value >= max : value > max;
        if (double.IsNaN(value) || tooLow || tooHigh)
        {
            var lower = lowerExclusive ? "greater than" : "at least";
            var upper = upperExclusive ? "less than" : "at most";
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key} must be {lower} {min} and {upper} {max}; got {value}."));
        }
    }

    private static void OneOf(List<string> failures, string key, string? value, IReadOnlyList<string> allowed)
    {
        if (value is null || !allowed.Contains(value, StringComparer.Ordinal))
        {
            failures.Add($"{key} must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}; got '{value}'.");
        }
    }

    private static void RequireText(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} must not be empty.");
        }
    }
}
