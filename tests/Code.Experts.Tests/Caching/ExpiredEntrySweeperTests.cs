using Code.Core.State;
using Code.Experts.Caching;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Experts.Tests.Caching;

public class ExpiredEntrySweeperTests
{
    [Fact]
    public async Task Expired_cache_entries_and_consultation_records_are_deleted_and_live_ones_kept()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        using var store = new InMemoryStateStore(time);
        var options = new ExpertsOptions { CacheTimeToLive = TimeSpan.FromMinutes(5), ConsultationRetention = TimeSpan.FromHours(2) };
        using var host = new CircleHost(
            e => e.AddChatExpert("a", ScriptedChatClient.Answering("hold")).AddChatExpert("b", ScriptedChatClient.Answering("hold")),
            o =>
            {
                o.CacheTimeToLive = options.CacheTimeToLive;
                o.ConsultationRetention = options.ConsultationRetention;
            },
            store,
            time);
        await host.Circle.ConsultAsync(ExpertQuestion.Decision("old?", PromotionDecision.Choices));
        await store.PutAsync("experts/consultations/garbage", "x"u8.ToArray());
        await store.PutAsync("other/keep", "x"u8.ToArray());
        time.Advance(TimeSpan.FromMinutes(10));
        await host.Circle.ConsultAsync(ExpertQuestion.Decision("new?", PromotionDecision.Choices));
        var sweeper = new ExpiredEntrySweeper(store, options, time);

        var deleted = await sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(2, deleted); // the first cache entry and the unreadable record
        Assert.Single((await store.ScanAsync("experts/cache/")).Entries);
        Assert.Equal(2, (await store.ScanAsync("experts/consultations/")).Entries.Count);
        Assert.NotNull(await store.GetAsync("other/keep"));

        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(3, await sweeper.SweepAsync(CancellationToken.None));
        Assert.DoesNotContain((await store.ScanAsync("experts/")).Entries, e => !e.Key.StartsWith("experts/reliability/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sweep_is_claimed_once_per_interval()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        using var store = new InMemoryStateStore(time);
        var sweeper = new ExpiredEntrySweeper(store, new ExpertsOptions(), time);

        Assert.False(sweeper.TryClaim());
        time.Advance(ExpiredEntrySweeper.Interval);
        Assert.True(sweeper.TryClaim());
        Assert.False(sweeper.TryClaim());
        time.Advance(ExpiredEntrySweeper.Interval);
        Assert.True(sweeper.TryClaim());
        Assert.False(new ExpiredEntrySweeper(null, new ExpertsOptions(), time).TryClaim());
    }
}
