using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Experts.Tests.Consultation;

/// <summary>Neither a hanging state store nor a throwing progress callback holds up or fails a consultation.</summary>
public class DeadlineAndProgressTests
{
    private static readonly ExpertQuestion Question = ExpertQuestion.Decision("Promote?", PromotionDecision.Choices);

    [Fact]
    public async Task A_hanging_reliability_read_and_record_write_end_at_the_consultation_deadline()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        using var inner = new InMemoryStateStore(time);
        var store = InterceptingStateStore.Wrap(inner);
        store.Fault = (method, key) => key.StartsWith("experts/reliability/", StringComparison.Ordinal) || key.StartsWith("experts/consultations/", StringComparison.Ordinal)
            ? StoreFault.Hang
            : null;
        var a = ScriptedChatClient.Answering("hold");
        var b = ScriptedChatClient.Answering("hold");
        using var host = new CircleHost(e => e.AddChatExpert("a", a).AddChatExpert("b", b), o => o.ConsultationDeadline = TimeSpan.FromSeconds(20), store: store.Store, time: time);

        var consultation = host.Circle.ConsultAsync(Question);
        await CircleOfExpertsTests.WaitUntil(() => a.Calls == 1 && b.Calls == 1 && !store.Hanging.IsEmpty);
        time.Advance(TimeSpan.FromSeconds(20));
        await CircleOfExpertsTests.WaitUntil(() => consultation.IsCompleted);
        var result = await consultation;

        Assert.Equal("hold", result.Answer);
        Assert.All(result.Opinions, o => Assert.Equal(0.5, o.Weight)); // the prior reliability
        Assert.Contains(store.Hanging, h => h.Method == "GetAsync" && h.Key.StartsWith("experts/reliability/", StringComparison.Ordinal));
        Assert.Contains(store.Hanging, h => h.Key.StartsWith("experts/consultations/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_hanging_cache_read_ends_at_the_consultation_deadline()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        using var inner = new InMemoryStateStore(time);
        var store = InterceptingStateStore.Wrap(inner);
        store.Fault = (method, key) => key.StartsWith("experts/cache/", StringComparison.Ordinal) ? StoreFault.Hang : null;
        using var host = new CircleHost(
            e => e.AddChatExpert("a", ScriptedChatClient.Answering("hold")).AddChatExpert("b", ScriptedChatClient.Answering("hold")),
            o => o.ConsultationDeadline = TimeSpan.FromSeconds(20),
            store: store.Store,
            time: time);

        var consultation = host.Circle.ConsultAsync(Question);
        await CircleOfExpertsTests.WaitUntil(() => !store.Hanging.IsEmpty);
        time.Advance(TimeSpan.FromSeconds(20));
        await CircleOfExpertsTests.WaitUntil(() => consultation.IsCompleted);
        var result = await consultation;

        // The deadline is spent waiting for the store, so the experts are out of time too: no consensus, no guess.
        Assert.False(result.HasConsensus);
        Assert.All(result.Opinions, o => Assert.Equal("no reply before the consultation deadline", o.Error));
    }

    [Fact]
    public async Task A_progress_callback_that_throws_does_not_fail_the_consultation()
    {
        var logs = new RecordingLoggerProvider();
        using var host = new CircleHost(
            e => e.AddChatExpert("a", ScriptedChatClient.Answering("hold")).AddChatExpert("b", ScriptedChatClient.Answering("hold")),
            logs: logs);
        var reports = 0;
        var progress = new ThrowingProgress(() => Interlocked.Increment(ref reports));

        var result = await host.Circle.ConsultWithProgressAsync(Question, progress);

        Assert.Equal("hold", result.Answer);
        Assert.Equal(2, reports);
        Assert.Contains(logs.Warnings, w => w.Contains("progress", StringComparison.OrdinalIgnoreCase) && w.Contains("UI thread gone", StringComparison.Ordinal));
    }

    private sealed class ThrowingProgress(Action onReport) : IProgress<ExpertOpinion>
    {
        public void Report(ExpertOpinion value)
        {
            onReport();
            throw new InvalidOperationException("UI thread gone");
        }
    }
}
