using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Experts.Offline;
using Code.Experts.Tests.TestDoubles;
using Code.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Code.Experts.Tests.Hosting;

public class ExpertsCodeBuilderExtensionsTests
{
    [Fact]
    public async Task A_keyed_chat_client_registered_by_the_host_becomes_an_expert()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<IChatClient>("gpt", ScriptedChatClient.Answering("hold"));
        services.AddKeyedSingleton<IChatClient>("claude", ScriptedChatClient.Answering("hold"));
        services.AddCode(o => o.Persistence.Store = "memory").AddExperts(e => e.AddKeyedChatExpert("gpt", "gpt").AddKeyedChatExpert("claude", "claude", o => o.Weight = 2));
        await using var provider = services.BuildServiceProvider();

        var circle = provider.GetRequiredService<ICircleOfExperts>();
        var result = await circle.ConsultAsync(ExpertQuestion.Decision("Hold?", PromotionDecision.Choices));

        Assert.Equal(["gpt", "claude"], circle.Experts);
        Assert.Equal("hold", result.Answer);
        Assert.Equal(1.0, result.Opinions[1].Weight);
    }

    [Fact]
    public void Calling_AddExperts_twice_adds_experts_to_one_circle()
    {
        var services = new ServiceCollection();
        services.AddCode(o => o.Persistence.Store = "memory")
            .AddExperts(e => e.AddOfflineExpert("a", OfflineExpertKind.ErrorRate))
            .AddExperts(e => e.AddOfflineExpert("b", OfflineExpertKind.Latency));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["a", "b"], provider.GetRequiredService<ICircleOfExperts>().Experts);
        Assert.Single(services, d => d.ServiceType == typeof(ICircleOfExperts));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<ExpertsOptions>));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("-leading")]
    [InlineData("experts/../x")]
    public void Bad_expert_names_are_refused_at_registration(string name)
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentException>(() => services.AddCode().AddExperts(e => e.AddOfflineExpert(name, OfflineExpertKind.Latency)));

        Assert.Contains($"'{name}' is not valid", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("per_expert_timeout", "00:00:00", "experts.per_expert_timeout must be positive")]
    [InlineData("consultation_deadline", "-00:00:01", "experts.consultation_deadline must be positive")]
    [InlineData("per_expert_timeout", "60.00:00:00", "experts.per_expert_timeout must be positive and at most 1 day; got 60.00:00:00")]
    [InlineData("cache_time_to_live", "-00:00:01", "experts.cache_time_to_live must be zero (off) or positive")]
    [InlineData("minimum_opinions", "0", "experts.minimum_opinions must be at least 1; got 0")]
    [InlineData("minimum_opinion_fraction", "1.5", "experts.minimum_opinion_fraction must be in [0, 1]; got 1.5")]
    [InlineData("minimum_agreement", "1.2", "experts.minimum_agreement must be in [0, 1]; got 1.2")]
    [InlineData("max_reply_characters", "10", "experts.max_reply_characters must be in [256, 1048576]; got 10")]
    [InlineData("reliability_prior_alpha", "0", "experts.reliability_prior_alpha must be in (0, 1000000]; got 0")]
    [InlineData("chairman", "nobody", "experts.chairman names 'nobody', which is not a registered expert (a, b)")]
    [InlineData("aggregation", "Chairman", "experts.aggregation is Chairman but experts.chairman names no expert")]
    [InlineData("prices:gpt:input_per_million_tokens", "-1", "experts.prices.gpt must have non-negative")]
    public async Task Bad_options_fail_start_with_the_key_name(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Code:persistence:store"] = "memory", ["Code:experts:" + key] = value });
        builder.Services.AddCode(builder.Configuration.GetSection("Code")).AddExperts(e => e
            .AddOfflineExpert("a", OfflineExpertKind.ErrorRate)
            .AddOfflineExpert("b", OfflineExpertKind.Latency));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expert_registrations_are_checked_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCode(o => o.Persistence.Store = "memory").AddExperts(e => e
            .AddOfflineExpert("Same", OfflineExpertKind.ErrorRate)
            .AddOfflineExpert("same", OfflineExpertKind.Latency, o => o.Weight = -1)
            .AddChatExpert("slow", ScriptedChatClient.Answering("hold"), o => o.Timeout = TimeSpan.Zero)
            .AddOfflineExpert("learner", OfflineExpertKind.LearnedOutcome, o =>
            {
                o.LearningRate = 0;
                o.MinimumOutcomes = -1;
            }));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("the expert name 'same' is registered twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("expert 'same': Weight must be a finite number greater than 0; got -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("expert 'slow': Timeout must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("expert 'learner': LearningRate must be in (0, 10]; got 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("expert 'learner': MinimumOutcomes must be 0 or more; got -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_circle_without_experts_fails_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCode(o => o.Persistence.Store = "memory").AddExperts(_ => { });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("no expert is registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_key_fails_instead_of_being_ignored()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Code:experts:per_expert_timeuot"] = "00:00:05" });
        builder.Services.AddCode(builder.Configuration.GetSection("Code")).AddExperts(e => e.AddOfflineExperts());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Code:experts:per_expert_timeuot is not a CODE option", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_bind_from_the_experts_section_of_the_code_tree()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Code:persistence:store"] = "memory",
            ["Code:experts:aggregation"] = "Majority",
            ["Code:experts:per_expert_timeout"] = "00:00:07",
            ["Code:experts:prices:gpt-x:output_per_million_tokens"] = "10.5",
        });
        builder.Services.AddCode(builder.Configuration.GetSection("Code")).AddExperts(e => e
            .AddOfflineExperts()
            .Configure(o => o.MinimumOpinions = 3));
        using var host = builder.Build();
        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<ExpertsOptions>>().Value;

        Assert.Equal(AggregationStrategy.Majority, options.Aggregation);
        Assert.Equal(TimeSpan.FromSeconds(7), options.PerExpertTimeout);
        Assert.Equal(10.5m, options.Prices["GPT-X"].OutputPerMillionTokens);
        Assert.Equal(3, options.MinimumOpinions);
        await host.StopAsync();
    }

    [Fact]
    public void The_experts_section_binds_from_config_toml()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.Combine("config.toml"), "[persistence]\nstore = \"memory\"\n\n[experts]\nminimum_agreement = 0.75\n\n[experts.prices.local]\ninput_per_million_tokens = 0.5\n");
        var configuration = new ConfigurationBuilder().SetBasePath(dir.Path).AddCodeToml().Build();
        var services = new ServiceCollection();
        services.AddCode(configuration.GetSection("Code")).AddExperts(e => e.AddOfflineExperts());
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ExpertsOptions>>().Value;

        Assert.Equal(0.75, options.MinimumAgreement);
        Assert.Equal(0.5m, options.Prices["local"].InputPerMillionTokens);
    }
}
