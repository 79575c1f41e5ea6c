using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Consultation;

/// <summary>What a consultation is said to cost: priced by the configured model, unknown models warned about, cached answers free.</summary>
public class CostTests
{
    private static readonly ExpertQuestion Question = ExpertQuestion.Decision("Promote?", PromotionDecision.Choices);

    private static ScriptedChatClient Model(string replyModelId, long input = 1_000_000, long output = 100_000)
        => new(_ => Task.FromResult(ScriptedChatClient.Reply(ScriptedChatClient.Verdict("hold", 0.8), input, output, replyModelId)));

    [Fact]
    public async Task A_reply_with_a_dated_model_id_is_priced_by_the_configured_model()
    {
        using var host = new CircleHost(
            e => e
                .AddChatExpert("gpt", Model("gpt-4o-mini-2024-07-18"), o => o.ModelId = "gpt-4o-mini")
                .AddChatExpert("claude", Model("claude-sonnet-4-5-20250929"), o => o.ModelId = "claude-sonnet-4-5"),
            o =>
            {
                o.Prices["gpt-4o-mini"] = new ModelPrice { InputPerMillionTokens = 0.15m, OutputPerMillionTokens = 0.6m };
                o.Prices["claude-sonnet-4-5"] = new ModelPrice { InputPerMillionTokens = 3m, OutputPerMillionTokens = 15m };
            });

        var result = await host.Circle.ConsultAsync(Question);

        Assert.Equal(0.15m + 0.06m + 3m + 1.5m, result.EstimatedCost);
        Assert.Equal("gpt-4o-mini-2024-07-18", result.Opinions[0].ModelId); // what answered is still shown
    }

    [Fact]
    public async Task Without_a_configured_model_id_the_clients_default_model_is_priced()
    {
        var client = new ModelMetadataChatClient(Model("gpt-4o-2024-08-06"), "gpt-4o");
        using var host = new CircleHost(
            e => e.AddChatExpert("gpt", client).AddChatExpert("other", Model("x", 0, 0)),
            o => o.Prices["gpt-4o"] = new ModelPrice { InputPerMillionTokens = 2.5m, OutputPerMillionTokens = 10m });

        var result = await host.Circle.ConsultAsync(Question);

        Assert.Equal(2.5m + 1m, result.EstimatedCost);
    }

    [Fact]
    public async Task A_model_without_a_price_is_free_and_warned_about_once()
    {
        var logs = new RecordingLoggerProvider();
        using var host = new CircleHost(
            e => e.AddChatExpert("gpt", Model("gpt-5-2026-01-01"), o => o.ModelId = "gpt-5").AddChatExpert("cheap", Model("llama"), o => o.ModelId = "llama"),
            o =>
            {
                o.Prices["llama"] = new ModelPrice { InputPerMillionTokens = 0.1m };
                o.CacheTimeToLive = TimeSpan.Zero;
            },
            logs: logs);

        var first = await host.Circle.ConsultAsync(Question);
        await host.Circle.ConsultAsync(Question);

        Assert.Equal(0.1m, first.EstimatedCost);
        var warning = Assert.Single(logs.Warnings, w => w.Contains("gpt-5", StringComparison.Ordinal));
        Assert.Contains("experts.prices", warning, StringComparison.Ordinal);
        Assert.Contains("gpt", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cached_result_reports_no_new_cost_or_tokens()
    {
        var gpt = Model("gpt-4o");
        using var host = new CircleHost(
            e => e.AddChatExpert("gpt", gpt, o => o.ModelId = "gpt-4o").AddChatExpert("other", Model("gpt-4o"), o => o.ModelId = "gpt-4o"),
            o => o.Prices["gpt-4o"] = new ModelPrice { InputPerMillionTokens = 2.5m, OutputPerMillionTokens = 10m });

        var fresh = await host.Circle.ConsultAsync(Question);
        var cached = await host.Circle.ConsultAsync(Question);

        Assert.Equal(7m, fresh.EstimatedCost);
        Assert.True(cached.FromCache);
        Assert.Equal(0m, cached.EstimatedCost);
        Assert.Equal(default, cached.TotalTokens);
        Assert.Equal(fresh.Opinions[0].Tokens, cached.Opinions[0].Tokens); // what each expert used, back then
        Assert.Equal(1, gpt.Calls);
    }

    /// <summary>A chat client that reports its default model, as provider adapters do (ChatClientMetadata).</summary>
    private sealed class ModelMetadataChatClient(IChatClient inner, string defaultModelId) : DelegatingChatClient(inner)
    {
        public override object? GetService(Type serviceType, object? serviceKey = null)
            => serviceType == typeof(ChatClientMetadata) && serviceKey is null
                ? new ChatClientMetadata("test-double", null, defaultModelId)
                : base.GetService(serviceType, serviceKey);
    }
}
