using System.Text;
using System.Text.Json;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Experts.Offline;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Experts.Tests.Reliability;

/// <summary>
/// An outcome is applied exactly once: whatever store write fails part-way through a report, reporting the
/// same outcome again finishes it, and nothing is counted twice.
/// </summary>
public class ExactlyOnceReportTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));

    private static ExpertQuestion Release(int i) => ExpertQuestion.Decision($"Promote release {i}?", PromotionDecision.Choices, Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.001 * i));

    /// <summary>The truth will be promote: oracle right, x and y wrong.</summary>
    private static void Panel(Code.Experts.Hosting.IExpertsBuilder e) => e
        .AddChatExpert("oracle", ScriptedChatClient.Answering("promote", 0.6))
        .AddChatExpert("x", ScriptedChatClient.Answering("hold", 0.6))
        .AddChatExpert("y", ScriptedChatClient.Answering("hold", 0.6));

    private static bool IsWrite(string method) => method is "PutAsync" or "CompareAndSwapAsync" or "DeleteAsync";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Whatever_write_fails_during_a_report_a_repeat_finishes_it_and_nothing_counts_twice(int failingWrite)
    {
        using var inner = new InMemoryStateStore(Clock);
        var store = InterceptingStateStore.Wrap(inner);
        using var host = new CircleHost(Panel, store: store.Store, time: Clock);
        var result = await host.Circle.ConsultAsync(Release(1));

        var writes = 0;
        store.Fault = (method, key) => IsWrite(method) && Interlocked.Increment(ref writes) == failingWrite ? StoreFault.Throw($"write {failingWrite} lost") : null;
        var failures = 0;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                await host.Circle.ReportOutcomeAsync(result.ConsultationId, "promote");
                break;
            }
            catch (Exception exception) when (exception is IOException or AggregateException)
            {
                failures++;
            }
        }

        var repeat = await host.Circle.ReportOutcomeAsync(result.ConsultationId, "promote");
        var reliability = await host.Circle.GetReliabilityAsync();

        Assert.True(failures <= 1, $"{failures} reports failed; only write {failingWrite} was made to fail");
        Assert.True(repeat.AlreadyReported);
        Assert.Empty(repeat.Updated);
        Assert.Equal((1, 0), (reliability[0].Successes, reliability[0].Failures));
        Assert.Equal((0, 1), (reliability[1].Successes, reliability[1].Failures));
        Assert.Equal((0, 1), (reliability[2].Successes, reliability[2].Failures));
    }

    [Fact]
    public async Task One_expert_whose_count_cannot_be_written_does_not_stop_the_others_and_is_credited_on_the_repeat()
    {
        using var inner = new InMemoryStateStore(Clock);
        var store = InterceptingStateStore.Wrap(inner);
        using var host = new CircleHost(Panel, store: store.Store, time: Clock);
        var result = await host.Circle.ConsultAsync(Release(1));
        store.Fault = (method, key) => method == "CompareAndSwapAsync" && key == "experts/reliability/x" ? StoreFault.Throw("disk full") : null;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.Circle.ReportOutcomeAsync(result.ConsultationId, "promote"));
        var partial = await host.Circle.GetReliabilityAsync();
        store.Fault = null;
        var repeat = await host.Circle.ReportOutcomeAsync(result.ConsultationId, "promote");
        var complete = await host.Circle.GetReliabilityAsync();

        Assert.Contains("disk full", error.ToString(), StringComparison.Ordinal);
        Assert.Equal((1, 0), (partial[0].Successes, partial[0].Failures));
        Assert.Equal((0, 0), (partial[1].Successes, partial[1].Failures));
        Assert.Equal((0, 1), (partial[2].Successes, partial[2].Failures)); // y was not held back by x
        Assert.True(repeat.AlreadyReported);
        Assert.Equal(["x"], repeat.Updated.Select(r => r.Expert));
        Assert.Equal([(1L, 0L), (0L, 1L), (0L, 1L)], complete.Select(r => (r.Successes, r.Failures)));
    }

    [Fact]
    public async Task A_repeat_with_another_answer_finishes_the_first_reports_outcome_not_its_own()
    {
        using var inner = new InMemoryStateStore(Clock);
        var store = InterceptingStateStore.Wrap(inner);
        using var host = new CircleHost(Panel, store: store.Store, time: Clock);
        var result = await host.Circle.ConsultAsync(Release(1));
        store.Fault = (method, key) => method == "CompareAndSwapAsync" && key == "experts/reliability/y" ? StoreFault.Throw("timeout") : null;
        await Assert.ThrowsAnyAsync<Exception>(() => host.Circle.ReportOutcomeAsync(result.ConsultationId, "promote"));
        store.Fault = null;

        var repeat = await host.Circle.ReportOutcomeAsync(result.ConsultationId, "hold");

        Assert.True(repeat.AlreadyReported);
        var y = Assert.Single(repeat.Updated);
        Assert.Equal(("y", 0L, 1L), (y.Expert, y.Successes, y.Failures)); // judged against promote, the first report's answer
    }

    [Fact]
    public async Task A_failing_learner_does_not_stop_the_other_learners_and_learns_on_the_repeat()
    {
        using var store = new InMemoryStateStore(Clock);
        using var host = new CircleHost(
            e => e
                .AddOfflineExpert("learner-a", OfflineExpertKind.LearnedOutcome)
                .AddOfflineExpert("learner-b", OfflineExpertKind.LearnedOutcome)
                .AddChatExpert("a", ScriptedChatClient.Answering("hold", 0.5))
                .AddChatExpert("b", ScriptedChatClient.Answering("hold", 0.5)),
            o => o.MinimumOpinions = 2,
            store: store,
            time: Clock);
        var result = await host.Circle.ConsultAsync(Release(1));
        await store.PutAsync("experts/models/learner-a", Encoding.UTF8.GetBytes("{broken"));

        await Assert.ThrowsAnyAsync<Exception>(() => host.Circle.ReportOutcomeAsync(result.ConsultationId, "rollback"));

        Assert.Equal(1, await OutcomesLearnedAsync(store, "learner-b"));
        Assert.Equal(1, (await host.Circle.GetReliabilityAsync())[2].Failures);
        Assert.Equal(1, (await host.Circle.GetReliabilityAsync())[3].Failures);

        await store.DeleteAsync("experts/models/learner-a");
        await host.Circle.ReportOutcomeAsync(result.ConsultationId, "rollback");

        Assert.Equal(1, await OutcomesLearnedAsync(store, "learner-a"));
        Assert.Equal(1, await OutcomesLearnedAsync(store, "learner-b"));
        Assert.Equal(1, (await host.Circle.GetReliabilityAsync())[2].Failures);
    }

    [Fact]
    public async Task Abstaining_and_failing_experts_are_not_judged_and_the_report_says_who_was()
    {
        using var host = new CircleHost(
            e => e
                .AddChatExpert("a", ScriptedChatClient.Answering("hold"))
                .AddChatExpert("b", ScriptedChatClient.Answering("rollback"))
                .AddOfflineExpert("latency", OfflineExpertKind.Latency) // no latency evidence: abstains
                .AddChatExpert("broken", new ScriptedChatClient(_ => throw new InvalidOperationException("down"))));
        var result = await host.Circle.ConsultAsync(Release(1));
        Assert.Equal(OpinionStatus.Abstained, result.Opinions[2].Status);

        var report = await host.Circle.ReportOutcomeAsync(result.ConsultationId, "hold");
        var reliability = await host.Circle.GetReliabilityAsync();

        Assert.Equal(["a", "b"], report.Updated.Select(r => r.Expert));
        Assert.Equal([(1L, 0L), (0L, 1L), (0L, 0L), (0L, 0L)], reliability.Select(r => (r.Successes, r.Failures)));
    }

    private static async Task<long> OutcomesLearnedAsync(InMemoryStateStore store, string expert)
    {
        var entry = await store.GetAsync("experts/models/" + expert);
        Assert.True(entry is not null, $"{expert} has learned nothing");
        using var document = JsonDocument.Parse(entry.Value);
        return document.RootElement.GetProperty("outcomes").GetInt64();
    }
}
