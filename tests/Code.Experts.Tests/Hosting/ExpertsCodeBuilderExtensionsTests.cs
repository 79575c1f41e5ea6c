using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Experts.Offline;
using Code.Experts.Tests.TestDoubles;
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
    [InlineData("PerExpertTimeout", "00:00:00", "Experts:PerExpertTimeout must be positive")]
    [InlineData("ConsultationDeadline", "-00:00:01", "Experts:ConsultationDeadline must be positive")]
    [InlineData("PerExpertTimeout", "60.00:00:00", "Experts:PerExpertTimeout must be positive and at most 1 day; got 60.00:00:00")]
    [InlineData("CacheTimeToLive", "-00:00:01", "Experts:CacheTimeToLive must be zero (off) or positive")]
    [InlineData("MinimumOpinions", "0", "Experts:MinimumOpinions must be at least 1; got 0")]
    [InlineData("MinimumOpinionFraction", "1.5", "Experts:MinimumOpinionFraction must be in [0, 1]; got 1.5")]
    [InlineData("MinimumAgreement", "1.2", "Experts:MinimumAgreement must be in [0, 1]; got 1.2")]
    [InlineData("MaxReplyCharacters", "10", "Experts:MaxReplyCharacters must be in [256, 1048576]; got 10")]
    [InlineData("ReliabilityPriorAlpha", "0", "Experts:ReliabilityPriorAlpha must be in (0, 1000000]; got 0")]
    [InlineData("Chairman", "nobody", "Experts:Chairman names 'nobody', which is not a registered expert (a, b)")]
    [InlineData("Aggregation", "Chairman", "Experts:Aggregation is Chairman but Experts:Chairman names no expert")]
    [InlineData("Prices:gpt:InputPerMillionTokens", "-1", "Experts:Prices:gpt must have non-negative")]
    public async Task Bad_options_fail_start_with_the_key_name(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Experts:" + key] = value });
        builder.Services.AddCode(o => o.Persistence.Store = "memory").AddExperts(e => e
            .AddOfflineExpert("a", OfflineExpertKind.ErrorRate)
            .AddOfflineExpert("b", OfflineExpertKind.Latency)
            .Configure(builder.Configuration.GetSection("Experts")));
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
        Assert.Contains("Experts:Experts:same:Weight must be a finite number greater than 0; got -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Experts:Experts:slow:Timeout must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("Experts:Experts:learner:LearningRate must be in (0, 10]; got 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Experts:Experts:learner:MinimumOutcomes must be 0 or more; got -1", error.Message, StringComparison.Ordinal);
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
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Experts:PerExpertTimeuot"] = "00:00:05" });
        builder.Services.AddCode(o => o.Persistence.Store = "memory").AddExperts(e => e
            .AddOfflineExperts()
            .Configure(builder.Configuration.GetSection("Experts")));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("PerExpertTimeuot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_bind_from_configuration()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Experts:Aggregation"] = "Majority",
            ["Experts:PerExpertTimeout"] = "00:00:07",
            ["Experts:Prices:gpt-x:OutputPerMillionTokens"] = "10.5",
        });
        builder.Services.AddCode(o => o.Persistence.Store = "memory").AddExperts(e => e
            .AddOfflineExperts()
            .Configure(builder.Configuration.GetSection("Experts")));
        using var host = builder.Build();
        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<ExpertsOptions>>().Value;

        Assert.Equal(AggregationStrategy.Majority, options.Aggregation);
        Assert.Equal(TimeSpan.FromSeconds(7), options.PerExpertTimeout);
        Assert.Equal(10.5m, options.Prices["GPT-X"].OutputPerMillionTokens);
        await host.StopAsync();
    }
}
