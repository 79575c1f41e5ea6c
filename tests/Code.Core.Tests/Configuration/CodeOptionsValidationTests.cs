using Code.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Code.Core.Tests.Configuration;

public sealed class CodeOptionsValidationTests
{
    public static TheoryData<string, string, string> InvalidValues => new()
    {
        // configuration key (under Code:)        bad value      text the failure must contain
        { "core:data_dir", " ", "core.data_dir must not be empty" },
        { "core:max_connections", "-1", "core.max_connections must be between 1 and 1000000; got -1" },
        { "core:max_connections", "0", "core.max_connections" },
        { "core:message_buffer_size", "-4096", "core.message_buffer_size must be between 4096" },
        { "core:worker_threads", "5000", "core.worker_threads" },
        { "core:port", "70000", "core.port must be between 1 and 65535; got 70000" },
        { "core:port", "0", "core.port" },
        { "core:listen_address", "localhost:80", "core.listen_address must be an IP address" },
        { "learning:learning_rate", "0", "learning.learning_rate must be greater than 0" },
        { "learning:learning_rate", "NaN", "learning.learning_rate" },
        { "learning:batch_size", "0", "learning.batch_size" },
        { "learning:model_update_interval", "-5", "learning.model_update_interval" },
        { "learning:exploration_rate", "1.5", "learning.exploration_rate must be at least 0 and at most 1; got 1.5" },
        { "learning:anomaly_threshold", "-3", "learning.anomaly_threshold" },
        { "learning:canary_confidence", "1", "learning.canary_confidence must be greater than 0.5 and less than 1" },
        { "learning:event_queue_capacity", "0", "learning.event_queue_capacity" },
        { "memory:max_message_size", "-1", "memory.max_message_size must be between 1024" },
        { "memory:cache_size", "1024", "memory.cache_size" },
        { "memory:index_buckets", "512", "memory.index_buckets must be between 1024" },
        { "memory:index_buckets", "3000", "memory.index_buckets must be a power of two; got 3000" },
        { "memory:max_key_size", "8", "memory.max_key_size" },
        { "memory:max_value_size", "-1", "memory.max_value_size" },
        { "memory:watch_history_size", "1000", "memory.watch_history_size must be between 1048576 and 68719476736; got 1000" },
        { "memory:watch_history_size", "2097152", "memory.watch_history_size must be at least memory.max_value_size (16777216)" },
        { "deploy_code:max_parallel_deployments", "0", "deploy_code.max_parallel_deployments must be between 1 and 1000; got 0" },
        { "deploy_code:circuit_breaker_threshold", "-2", "deploy_code.circuit_breaker_threshold" },
        { "deploy_code:health_check_interval", "0", "deploy_code.health_check_interval" },
        { "deploy_code:rollback_timeout", "100000", "deploy_code.rollback_timeout" },
        { "deploy_code:default_strategy", "big_bang", "deploy_code.default_strategy must be one of 'rolling', 'blue_green', 'canary'; got 'big_bang'" },
        { "persistence:store", "sqlite", "persistence.store must be one of 'faster', 'memory', 'redis'; got 'sqlite'" },
        { "persistence:store", "redis", "persistence.redis_configuration is required when persistence.store is 'redis'" },
        { "persistence:checkpoint_interval", "0", "persistence.checkpoint_interval" },
        { "persistence:compression", "zstd", "persistence.compression must be one of 'lz4', 'none'; got 'zstd'" },
        { "persistence:compression_threshold", "-1", "persistence.compression_threshold" },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void Each_rule_rejects_a_bad_value_naming_the_key(string key, string value, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(key, value));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_start_fails_on_an_invalid_value()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Code:core:port"] = "-80" });
        builder.Services.AddCode(builder.Configuration.GetSection("Code"));
        using var host = builder.Build();

        var ex = Assert.Throws<OptionsValidationException>(() => host.StartAsync().GetAwaiter().GetResult());

        Assert.Contains("core.port must be between 1 and 65535; got -80", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_bad_values_are_all_reported()
    {
        var services = new ServiceCollection();
        services.AddCode(o =>
        {
            o.Core.Port = 0;
            o.Persistence.Compression = "gzip";
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CodeOptions>>().Value);

        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public void Valid_boundary_values_pass()
    {
        var services = new ServiceCollection();
        services.AddCode(o =>
        {
            o.Core.Port = 65_535;
            o.Core.MaxConnections = 1;
            o.Learning.ExplorationRate = 0;
            o.Memory.IndexBuckets = 1024;
            o.Persistence.Store = "redis";
            o.Persistence.RedisConfiguration = "127.0.0.1:6379";
        });
        using var provider = services.BuildServiceProvider();

        Assert.Equal(65_535, provider.GetRequiredService<IOptions<CodeOptions>>().Value.Core.Port);
    }

    private static CodeOptions Resolve(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Code:{key}"] = value })
            .Build();
        var services = new ServiceCollection();
        services.AddCode(configuration.GetSection("Code"));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<CodeOptions>>().Value;
    }
}
