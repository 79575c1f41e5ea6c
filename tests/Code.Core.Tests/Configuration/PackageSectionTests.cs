using Code.Core.Configuration;
using Code.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Code.Core.Tests.Configuration;

/// <summary>Packages bind their own sections under <c>Code</c>, checked for unknown keys like Code.Core's.</summary>
public sealed class PackageSectionTests
{
    public sealed class SamplePackageOptions
    {
        [ConfigurationKeyName("retry_count")]
        public int RetryCount { get; set; } = 1;

        [ConfigurationKeyName("timeout")]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

        [ConfigurationKeyName("prices")]
        public IDictionary<string, SamplePrice> Prices { get; } = new Dictionary<string, SamplePrice>();

        [ConfigurationKeyName("hosts")]
        public IList<string> Hosts { get; } = [];
    }

    public sealed class SamplePrice
    {
        [ConfigurationKeyName("input")]
        public decimal Input { get; set; }
    }

    public sealed class LearningExtraOptions
    {
        [ConfigurationKeyName("model_id")]
        public string ModelId { get; set; } = "m";
    }

    private static (CodeOptions Code, SamplePackageOptions Package) Resolve(IConfiguration root, Action<SamplePackageOptions>? inCode = null)
    {
        var services = new ServiceCollection();
        var options = services.AddCode(root.GetSection("Code")).AddOptionsSection<SamplePackageOptions>("sample");
        if (inCode is not null)
        {
            options.Configure(inCode);
        }

        using var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IOptions<CodeOptions>>().Value, provider.GetRequiredService<IOptions<SamplePackageOptions>>().Value);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void A_package_section_binds_from_the_code_tree_with_its_key_names()
    {
        var (_, package) = Resolve(Config(
            ("Code:sample:retry_count", "4"),
            ("Code:sample:timeout", "00:01:00"),
            ("Code:sample:prices:gpt-x:input", "2.5"),
            ("Code:sample:hosts:0", "a"),
            ("Code:sample:hosts:1", "b")));

        Assert.Equal(4, package.RetryCount);
        Assert.Equal(TimeSpan.FromMinutes(1), package.Timeout);
        Assert.Equal(2.5m, package.Prices["gpt-x"].Input);
        Assert.Equal(["a", "b"], package.Hosts);
    }

    [Fact]
    public void Settings_in_code_win_over_the_section()
    {
        var (_, package) = Resolve(Config(("Code:sample:retry_count", "4")), o => o.RetryCount = 9);

        Assert.Equal(9, package.RetryCount);
    }

    [Fact]
    public void An_unknown_key_in_a_package_section_fails_with_its_path()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(Config(("Code:sample:retry_cont", "4"))));

        Assert.Contains("Code:sample:retry_cont is not a CODE option; the keys of [Code:sample] are retry_count, timeout, prices, hosts.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_inside_a_dictionary_entry_fails_with_its_path()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(Config(("Code:sample:prices:gpt-x:inptu", "1"))));

        Assert.Contains("Code:sample:prices:gpt-x:inptu is not a CODE option", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_below_a_single_value_fails()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(Config(("Code:sample:retry_count:x", "1"))));

        Assert.Contains("Code:sample:retry_count:x is not a CODE option: [Code:sample:retry_count] takes a single value, not keys.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_no_package_registered_still_fails_and_lists_the_registered_ones()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(Config(("Code:experts:seed", "1"))));

        Assert.Contains("Code:experts is not a CODE configuration section; known sections are core, learning, memory, deploy_code, persistence, sample.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_in_a_package_section_fails_with_the_key()
    {
        var ex = Assert.ThrowsAny<InvalidOperationException>(() => Resolve(Config(("Code:sample:retry_count", "many"))));

        Assert.Contains("Code:sample:retry_count", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_may_extend_a_section_code_core_owns()
    {
        var services = new ServiceCollection();
        services.AddCode(Config(("Code:learning:learning_rate", "0.5"), ("Code:learning:model_id", "risk")).GetSection("Code"))
            .AddOptionsSection<LearningExtraOptions>("learning");
        using var provider = services.BuildServiceProvider();

        Assert.Equal(0.5, provider.GetRequiredService<IOptions<CodeOptions>>().Value.Learning.LearningRate);
        Assert.Equal("risk", provider.GetRequiredService<IOptions<LearningExtraOptions>>().Value.ModelId);
    }

    [Fact]
    public void Without_a_configuration_tree_the_section_keeps_its_defaults()
    {
        var services = new ServiceCollection();
        services.AddCode().AddOptionsSection<SamplePackageOptions>("sample");
        using var provider = services.BuildServiceProvider();

        Assert.Equal(1, provider.GetRequiredService<IOptions<SamplePackageOptions>>().Value.RetryCount);
    }

    [Fact]
    public void Registering_a_section_twice_binds_it_once()
    {
        var services = new ServiceCollection();
        var builder = services.AddCode(Config(("Code:sample:hosts:0", "a")).GetSection("Code"));
        builder.AddOptionsSection<SamplePackageOptions>("sample");
        builder.AddOptionsSection<SamplePackageOptions>("sample");
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["a"], provider.GetRequiredService<IOptions<SamplePackageOptions>>().Value.Hosts);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("ex perts")]
    public void A_section_name_that_is_not_a_plain_key_is_refused(string name)
    {
        var builder = new ServiceCollection().AddCode();

        Assert.ThrowsAny<ArgumentException>(() => builder.AddOptionsSection<SamplePackageOptions>(name));
    }

    [Fact]
    public void A_config_toml_table_binds_the_package_section()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.Combine("config.toml"), "[core]\nport = 9000\n\n[sample]\nretry_count = 7\nhosts = [\"x\", \"y\"]\n\n[sample.prices.m1]\ninput = 3\n");
        var configuration = new ConfigurationBuilder().SetBasePath(dir.Path).AddCodeToml().Build();

        var (code, package) = Resolve(configuration);

        Assert.Equal(9000, code.Core.Port);
        Assert.Equal(7, package.RetryCount);
        Assert.Equal(["x", "y"], package.Hosts);
        Assert.Equal(3m, package.Prices["m1"].Input);
    }
}
