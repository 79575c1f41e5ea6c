using System.Text;
using Code.Core.Configuration;
using Code.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Code.Core.Tests.Configuration;

public sealed class CodeOptionsBindingTests
{
    private static CodeOptions Resolve(IConfiguration section)
    {
        var services = new ServiceCollection();
        services.AddCode(section);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<CodeOptions>>().Value;
    }

    [Fact]
    public void Defaults_match_the_design_config()
    {
        var options = new CodeOptions();

        Assert.Equal("./.code", options.Core.DataDirectory);
        Assert.Equal(10_000, options.Core.MaxConnections);
        Assert.Equal(1_048_576, options.Core.MessageBufferSize);
        Assert.Equal(1_048_576, options.Memory.MaxMessageSize);
        Assert.Equal(5, options.Deploy.MaxParallelDeployments);
        Assert.Equal(3, options.Deploy.CircuitBreakerThreshold);
        Assert.Equal(30, options.Deploy.HealthCheckInterval);
        Assert.Equal(300, options.Deploy.RollbackTimeout);
        Assert.Equal("rolling", options.Deploy.DefaultStrategy);
        Assert.Equal(3600, options.Persistence.CheckpointInterval);
        Assert.Equal("lz4", options.Persistence.Compression);
        Assert.Equal("faster", options.Persistence.Store);
    }

    [Fact]
    public void Binds_appsettings_json_with_the_toml_key_names()
    {
        const string json = """
            {
              "Code": {
                "core": { "max_connections": 250, "port": 9100, "data_dir": "/var/lib/code" },
                "learning": { "batch_size": 64, "learning_rate": 0.05 },
                "memory": { "max_message_size": 65536 },
                "deploy_code": { "max_parallel_deployments": 2, "default_strategy": "canary" },
                "persistence": { "checkpoint_interval": 60, "compression": "none" }
              }
            }
            """;
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .Build();

        var options = Resolve(configuration.GetSection(CodeOptions.SectionName));

        Assert.Equal(250, options.Core.MaxConnections);
        Assert.Equal(9100, options.Core.Port);
        Assert.Equal("/var/lib/code", options.Core.DataDirectory);
        Assert.Equal(64, options.Learning.BatchSize);
        Assert.Equal(0.05, options.Learning.LearningRate);
        Assert.Equal(65_536, options.Memory.MaxMessageSize);
        Assert.Equal(2, options.Deploy.MaxParallelDeployments);
        Assert.Equal("canary", options.Deploy.DefaultStrategy);
        Assert.Equal(60, options.Persistence.CheckpointInterval);
        Assert.Equal("none", options.Persistence.Compression);
        Assert.Equal(1_048_576, options.Core.MessageBufferSize); // untouched keys keep their defaults
    }

    [Fact]
    public void Binds_a_config_toml_in_the_design_layout()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.Combine("config.toml"), """
            [core]
            max_connections = 500
            listen_address = "::1"

            [learning]
            exploration_rate = 0.25
            enabled = false

            [memory]
            max_message_size = 2097152

            [deploy_code]
            circuit_breaker_threshold = 7
            default_strategy = "blue_green"
            dry_run = true

            [persistence]
            checkpoint_interval = 120
            compression = "lz4"
            """);
        var configuration = new ConfigurationBuilder()
            .SetBasePath(dir.Path)
            .AddCodeToml("config.toml", optional: false)
            .Build();

        var options = Resolve(configuration.GetSection(CodeOptions.SectionName));

        Assert.Equal(500, options.Core.MaxConnections);
        Assert.Equal("::1", options.Core.ListenAddress);
        Assert.Equal(0.25, options.Learning.ExplorationRate);
        Assert.False(options.Learning.Enabled);
        Assert.Equal(2_097_152, options.Memory.MaxMessageSize);
        Assert.Equal(7, options.Deploy.CircuitBreakerThreshold);
        Assert.Equal("blue_green", options.Deploy.DefaultStrategy);
        Assert.True(options.Deploy.DryRun);
        Assert.Equal(120, options.Persistence.CheckpointInterval);
    }

    [Fact]
    public void The_shipped_reference_config_toml_binds_to_the_defaults()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Configuration", "config.toml");
        var configuration = new ConfigurationBuilder().AddCodeToml(path, optional: false).Build();

        var bound = Resolve(configuration.GetSection(CodeOptions.SectionName));

        var expected = System.Text.Json.JsonSerializer.Serialize(new CodeOptions());
        Assert.Equal(expected, System.Text.Json.JsonSerializer.Serialize(bound));
        // Every key in the file was consumed by an option (an unknown key would have thrown).
        Assert.Equal(33, configuration.AsEnumerable().Count(kv => kv.Value is not null));
    }

    [Fact]
    public void Toml_later_sources_override_earlier_ones()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.Combine("config.toml"), "[core]\nport = 9000\n");
        var configuration = new ConfigurationBuilder()
            .SetBasePath(dir.Path)
            .AddCodeToml()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Code:core:port"] = "9001" })
            .Build();

        Assert.Equal(9001, Resolve(configuration.GetSection("Code")).Core.Port);
    }

    [Fact]
    public void An_unknown_key_fails_with_its_name()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Code:core:max_conections"] = "5" })
            .Build();

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(configuration.GetSection("Code")));
        Assert.Contains("Code:core:max_conections is not a CODE option", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_section_fails_with_its_name()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Code:deploy:max_parallel_deployments"] = "5" })
            .Build();

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(configuration.GetSection("Code")));
        Assert.Contains("Code:deploy is not a CODE configuration section", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_fails_with_the_key()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Code:core:port"] = "eighty" })
            .Build();

        var ex = Assert.ThrowsAny<InvalidOperationException>(() => Resolve(configuration.GetSection("Code")));
        Assert.Contains("Code:core:port", ex.Message, StringComparison.Ordinal);
    }
}
