using System.Text;
using Code.Core.State;
using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Experts.Tests.Reliability;

public class ReliabilityLearningTests
{
    private static ExpertQuestion Release(int i) => ExpertQuestion.Decision($"Promote release {i}?", PromotionDecision.Choices);

    /// <summary>Two experts that say hold, one that says promote; the truth will be promote.</summary>
    private static void Panel(Code.Experts.Hosting.IExpertsBuilder e) => e
        .AddChatExpert("oracle", ScriptedChatClient.Answering("promote", 0.6))
        .AddChatExpert("x", ScriptedChatClient.Answering("hold", 0.6))
        .AddChatExpert("y", ScriptedChatClient.Answering("hold", 0.6));

    [Fact]
    public async Task Reported_outcomes_change_later_weights_and_survive_a_restart()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        using var store = new InMemoryStateStore(time);
        using (var host = new CircleHost(Panel, store: store, time: time))
        {
            var before = await host.Circle.ConsultAsync(Release(0));
            Assert.Equal("hold", before.Answer);
            Assert.Equal(["oracle"], before.Dissenters);

            for (var i = 1; i <= 4; i++)
            {
                var result = await host.Circle.ConsultAsync(Release(i));
                var report = await host.Circle.ReportOutcomeAsync(result.ConsultationId, "Promote");
                Assert.False(report.AlreadyReported);
                Assert.Equal(3, report.Updated.Count);
            }

            var learned = await host.Circle.GetReliabilityAsync();
            Assert.Equal(["oracle", "x", "y"], learned.Select(r => r.Expert));
            Assert.Equal((4, 0), (learned[0].Successes, learned[0].Failures));
            Assert.Equal(5.0 / 6, learned[0].Mean, 9);
            Assert.Equal((0, 4), (learned[1].Successes, learned[1].Failures));
            Assert.Equal(1.0 / 6, learned[1].Mean, 9);
        }

        // A new circle over the same store: the learned weights are there.
        using var restarted = new CircleHost(Panel, store: store, time: time);
        var reliability = await restarted.Circle.GetReliabilityAsync();
        Assert.Equal(5.0 / 6, reliability[0].Mean, 9);

        var weighted = await restarted.Circle.ConsultAsync(Release(99));
        var majority = await restarted.Circle.ConsultAsync(Release(99) with { Aggregation = AggregationStrategy.Majority });

        Assert.Equal("promote", weighted.Answer);
        Assert.Equal((5.0 / 6) / ((5.0 / 6) + (2.0 / 6)), weighted.Confidence, 9);
        Assert.Equal(5.0 / 6, weighted.Opinions[0].Weight, 9);
        Assert.Equal(["x", "y"], weighted.Dissenters);
        Assert.Equal("hold", majority.Answer);
    }

    [Fact]
    public async Task An_outcome_counts_once()
    {
        using var host = new CircleHost(Panel);
        var result = await host.Circle.ConsultAsync(Release(1));

        var first = await host.Circle.ReportOutcomeAsync(result.ConsultationId, "hold");
        var second = await host.Circle.ReportOutcomeAsync(result.ConsultationId, "promote");

        Assert.False(first.AlreadyReported);
        Assert.True(second.AlreadyReported);
        Assert.Empty(second.Updated);
        var reliability = await host.Circle.GetReliabilityAsync();
        Assert.Equal((0, 1), (reliability[0].Successes, reliability[0].Failures));
        Assert.Equal((1, 0), (reliability[1].Successes, reliability[1].Failures));
    }

    [Fact]
    public async Task Concurrent_reports_never_lose_a_count()
    {
        using var host = new CircleHost(Panel);
        var ids = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            ids.Add((await host.Circle.ConsultAsync(Release(i))).ConsultationId);
        }

        await Task.WhenAll(ids.Select(id => Task.Run(() => host.Circle.ReportOutcomeAsync(id, "promote"))));

        var reliability = await host.Circle.GetReliabilityAsync();
        Assert.Equal(24, reliability[0].Successes);
        Assert.Equal(24, reliability[1].Failures);
        Assert.Equal(24, reliability[2].Failures);
    }

    [Fact]
    public async Task Failed_experts_are_not_judged()
    {
        using var host = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("hold"))
            .AddChatExpert("b", ScriptedChatClient.Answering("hold"))
            .AddChatExpert("broken", new ScriptedChatClient(_ => throw new InvalidOperationException("down"))));
        var result = await host.Circle.ConsultAsync(Release(1));

        var report = await host.Circle.ReportOutcomeAsync(result.ConsultationId, "hold");

        Assert.Equal(["a", "b"], report.Updated.Select(r => r.Expert).Order());
        Assert.Equal(0, (await host.Circle.GetReliabilityAsync())[2].Successes + (await host.Circle.GetReliabilityAsync())[2].Failures);
    }

    [Fact]
    public async Task Bad_reports_are_refused_with_a_clear_error_and_change_nothing()
    {
        using var host = new CircleHost(Panel, o => o.ConsultationRetention = TimeSpan.FromDays(1));
        var decision = await host.Circle.ConsultAsync(Release(1));
        var freeText = await host.Circle.ConsultAsync(ExpertQuestion.FreeText("Why?"));

        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => host.Circle.ReportOutcomeAsync("nope", "promote"));
        var wrong = await Assert.ThrowsAsync<ArgumentException>(() => host.Circle.ReportOutcomeAsync(decision.ConsultationId, "ship"));
        var text = await Assert.ThrowsAsync<ArgumentException>(() => host.Circle.ReportOutcomeAsync(freeText.ConsultationId, "promote"));
        host.Time.Advance(TimeSpan.FromDays(1));
        var expired = await Assert.ThrowsAsync<ArgumentException>(() => host.Circle.ReportOutcomeAsync(decision.ConsultationId, "promote"));

        Assert.Contains("No decision consultation 'nope'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'ship' is not one of the consultation's choices: promote, hold, rollback", wrong.Message, StringComparison.Ordinal);
        Assert.Equal("correctAnswer", wrong.ParamName);
        Assert.Contains("free-text", text.Message, StringComparison.Ordinal);
        Assert.Contains("experts.consultation_retention", expired.Message, StringComparison.Ordinal);
        Assert.All(await host.Circle.GetReliabilityAsync(), r => Assert.Equal(0, r.Successes + r.Failures));
    }

    [Fact]
    public async Task An_unreadable_stored_record_reads_as_the_prior_and_is_not_overwritten_by_an_update()
    {
        using var host = new CircleHost(Panel);
        await host.Store.PutAsync("experts/reliability/oracle", Encoding.UTF8.GetBytes("{not json"));
        var result = await host.Circle.ConsultAsync(Release(1));

        Assert.Equal(0.5, (await host.Circle.GetReliabilityAsync())[0].Mean);
        var error = await Assert.ThrowsAsync<AggregateException>(() => host.Circle.ReportOutcomeAsync(result.ConsultationId, "promote"));
        Assert.IsType<InvalidDataException>(Assert.Single(error.InnerExceptions));
        Assert.Contains("reliability/oracle (InvalidDataException: The stored reliability at 'experts/reliability/oracle' is not readable", error.Message, StringComparison.Ordinal);
        Assert.Equal("{not json", Encoding.UTF8.GetString((await host.Store.GetAsync("experts/reliability/oracle"))!.Value.Span));
    }

    [Fact]
    public async Task The_prior_comes_from_the_options()
    {
        using var host = new CircleHost(Panel, o =>
        {
            o.ReliabilityPriorAlpha = 8;
            o.ReliabilityPriorBeta = 2;
        });

        var reliability = await host.Circle.GetReliabilityAsync();

        Assert.All(reliability, r => Assert.Equal(0.8, r.Mean, 9));
    }
}
