using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Experts.Tests.Caching;

public class ConsultationCacheTests
{
    private static readonly ExpertQuestion Question = ExpertQuestion.Decision("Promote?", PromotionDecision.Choices, Evidence.OfNumber("error_rate_delta", 0.001));

    [Fact]
    public async Task An_identical_question_within_the_ttl_is_served_from_the_cache()
    {
        var a = ScriptedChatClient.Answering("promote");
        var b = ScriptedChatClient.Answering("promote");
        using var host = new CircleHost(e => e.AddChatExpert("a", a).AddChatExpert("b", b), o => o.CacheTimeToLive = TimeSpan.FromMinutes(5));

        var first = await host.Circle.ConsultAsync(Question);
        host.Time.Advance(TimeSpan.FromMinutes(4));
        var second = await host.Circle.ConsultAsync(Question with { Choices = ["promote", "hold", "rollback"] });

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.ConsultationId, second.ConsultationId);
        Assert.Equal(first.Answer, second.Answer);
        Assert.Equal(first.Opinions.Select(o => o.Answer), second.Opinions.Select(o => o.Answer));
        Assert.Equal((1, 1), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task After_the_ttl_or_with_bypass_the_experts_are_asked_again()
    {
        var a = ScriptedChatClient.Answering("promote");
        using var host = new CircleHost(e => e.AddChatExpert("a", a).AddChatExpert("b", ScriptedChatClient.Answering("promote")), o => o.CacheTimeToLive = TimeSpan.FromMinutes(5));

        await host.Circle.ConsultAsync(Question);
        var bypassed = await host.Circle.ConsultAsync(Question with { BypassCache = true });
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var expired = await host.Circle.ConsultAsync(Question);

        Assert.False(bypassed.FromCache);
        Assert.False(expired.FromCache);
        Assert.Equal(3, a.Calls);
    }

    [Fact]
    public async Task A_different_question_strategy_or_circle_is_not_a_hit()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        using var store = new InMemoryStateStore(time);
        var a = ScriptedChatClient.Answering("promote");
        using var host = new CircleHost(e => e.AddChatExpert("a", a).AddChatExpert("b", ScriptedChatClient.Answering("promote")), store: store, time: time);
        using var heavier = new CircleHost(e => e.AddChatExpert("a", a).AddChatExpert("b", ScriptedChatClient.Answering("promote"), o => o.Weight = 2), store: store, time: time);

        await host.Circle.ConsultAsync(Question);
        var otherEvidence = await host.Circle.ConsultAsync(Question with { Evidence = [Evidence.OfNumber("error_rate_delta", 0.002)] });
        var otherStrategy = await host.Circle.ConsultAsync(Question with { Aggregation = Code.Experts.Aggregation.AggregationStrategy.Majority });
        var otherCircle = await heavier.Circle.ConsultAsync(Question);
        var same = await host.Circle.ConsultAsync(Question);

        Assert.False(otherEvidence.FromCache);
        Assert.False(otherStrategy.FromCache);
        Assert.False(otherCircle.FromCache);
        Assert.True(same.FromCache);
    }

    [Fact]
    public async Task Another_circle_with_the_same_experts_over_the_same_store_shares_the_cache_but_changed_thresholds_do_not()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        using var store = new InMemoryStateStore(time);
        var question = ExpertQuestion.Decision("Promote?", PromotionDecision.Choices, Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.001), Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, 1));
        using var first = new CircleHost(e => e.AddOfflineExperts(), store: store, time: time);
        using var same = new CircleHost(e => e.AddOfflineExperts(), store: store, time: time);
        using var stricter = new CircleHost(
            e => e
                .AddOfflineExpert("offline-error-rate", Code.Experts.Experts.Offline.OfflineExpertKind.ErrorRate, o => o.HoldErrorRateDelta = 0.0001)
                .AddOfflineExpert("offline-latency", Code.Experts.Experts.Offline.OfflineExpertKind.Latency)
                .AddOfflineExpert("offline-change-risk", Code.Experts.Experts.Offline.OfflineExpertKind.ChangeRisk),
            store: store,
            time: time);

        var original = await first.Circle.ConsultAsync(question);
        var shared = await same.Circle.ConsultAsync(question);
        var changed = await stricter.Circle.ConsultAsync(question);

        Assert.True(shared.FromCache);
        Assert.Equal(original.ConsultationId, shared.ConsultationId);
        Assert.False(changed.FromCache);
        Assert.Equal("promote", original.Opinions[0].Answer);
        Assert.Equal("hold", changed.Opinions[0].Answer);
    }

    [Fact]
    public async Task No_consensus_is_never_cached()
    {
        var failing = new ScriptedChatClient(_ => throw new InvalidOperationException("down"));
        using var host = new CircleHost(e => e.AddChatExpert("a", failing).AddChatExpert("b", failing));

        await host.Circle.ConsultAsync(Question);
        var again = await host.Circle.ConsultAsync(Question);

        Assert.False(again.FromCache);
        Assert.Equal(4, failing.Calls);
    }

    [Fact]
    public async Task A_zero_ttl_turns_the_cache_off()
    {
        var a = ScriptedChatClient.Answering("promote");
        using var host = new CircleHost(e => e.AddChatExpert("a", a).AddChatExpert("b", ScriptedChatClient.Answering("promote")), o => o.CacheTimeToLive = TimeSpan.Zero);

        await host.Circle.ConsultAsync(Question);
        var again = await host.Circle.ConsultAsync(Question);

        Assert.False(again.FromCache);
        Assert.Equal(2, a.Calls);
        Assert.Empty((await host.Store.ScanAsync("experts/cache/")).Entries);
    }

    [Fact]
    public async Task An_unreadable_cache_entry_is_a_miss_and_is_dropped()
    {
        var a = ScriptedChatClient.Answering("promote");
        using var host = new CircleHost(e => e.AddChatExpert("a", a).AddChatExpert("b", ScriptedChatClient.Answering("promote")));
        await host.Circle.ConsultAsync(Question);
        var key = (await host.Store.ScanAsync("experts/cache/")).Entries.Single().Key;
        await host.Store.PutAsync(key, "garbage"u8.ToArray());

        var result = await host.Circle.ConsultAsync(Question);

        Assert.False(result.FromCache);
        Assert.Equal(2, a.Calls);
        Assert.True((await host.Circle.ConsultAsync(Question)).FromCache); // re-cached by the fresh consultation
    }
}
