using System.Globalization;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Experts.Offline;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Experts.Tests.Experts.Offline;

public class LearnedOutcomeExpertTests
{
    private static ExpertQuestion Release(int i, double errorRateDelta, double latencyDelta) => ExpertQuestion.Decision(
        string.Create(CultureInfo.InvariantCulture, $"Promote release {i}?"),
        PromotionDecision.Choices,
        Evidence.OfNumber(EvidenceNames.ErrorRateDelta, errorRateDelta),
        Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, latencyDelta));

    private static void Circle(Code.Experts.Hosting.IExpertsBuilder e) => e
        .AddOfflineExpert("learner", OfflineExpertKind.LearnedOutcome)
        .AddChatExpert("a", ScriptedChatClient.Answering("hold", 0.5))
        .AddChatExpert("b", ScriptedChatClient.Answering("hold", 0.5));

    [Fact]
    public async Task It_abstains_until_it_has_learned_then_predicts_the_outcome_from_the_evidence_and_survives_a_restart()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        using var store = new InMemoryStateStore(time);
        using (var host = new CircleHost(Circle, store: store, time: time))
        {
            // History: a bad error rate meant rollback, a good one promote; latency is noise.
            for (var i = 0; i < 20; i++)
            {
                var bad = i % 2 == 1;
                var result = await host.Circle.ConsultAsync(Release(i, bad ? 0.03 + (0.001 * i) : 0.001 + (0.0002 * i), 3 + (i % 5)));
                if (i < 10)
                {
                    Assert.Equal(OpinionStatus.Abstained, result.Opinions[0].Status);
                    Assert.Equal($"abstained: it has learned from {i} outcomes and answers from 10", result.Opinions[0].Error);
                }
                else
                {
                    Assert.Equal(bad ? "rollback" : "promote", result.Opinions[0].Answer);
                }

                await host.Circle.ReportOutcomeAsync(result.ConsultationId, bad ? "rollback" : "promote");
            }

            Assert.NotNull(await store.GetAsync("experts/models/learner"));
        }

        using var restarted = new CircleHost(Circle, store: store, time: time);
        var failing = await restarted.Circle.ConsultAsync(Release(100, 0.05, 4));
        var healthy = await restarted.Circle.ConsultAsync(Release(101, 0.0, 4));

        Assert.Equal("rollback", failing.Opinions[0].Answer);
        Assert.Equal("promote", healthy.Opinions[0].Answer);
        Assert.InRange(failing.Opinions[0].Confidence, 0.5, 1);
        Assert.StartsWith("learned from 20 outcomes: P(rollback) = ", failing.Opinions[0].Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outcome_trains_the_model_once()
    {
        using var host = new CircleHost(Circle);
        var result = await host.Circle.ConsultAsync(Release(1, 0.03, 2));

        await host.Circle.ReportOutcomeAsync(result.ConsultationId, "rollback");
        await host.Circle.ReportOutcomeAsync(result.ConsultationId, "rollback");

        var stored = await host.Store.GetAsync("experts/models/learner");
        Assert.Contains("\"outcomes\":1,", System.Text.Encoding.UTF8.GetString(stored!.Value.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_known_numeric_evidence_or_for_free_text_it_abstains()
    {
        using var host = new CircleHost(Circle, e => { });
        var model = new OutcomeModel();
        for (var i = 0; i < 12; i++)
        {
            model.Learn([Evidence.OfNumber("error_rate_delta", i)], PromotionDecision.Choices, "promote", 0.3);
        }

        await host.Store.PutAsync("experts/models/learner", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(model, Code.Experts.Serialization.ExpertsJson.Options));

        var unknown = await host.Circle.ConsultAsync(ExpertQuestion.Decision("?", PromotionDecision.Choices, Evidence.OfNumber("queue_depth", 3)));
        var freeText = await host.Circle.ConsultAsync(ExpertQuestion.FreeText("Why?", Evidence.OfNumber("error_rate_delta", 3)));

        Assert.Equal("abstained: none of the numeric evidence is a feature it has learned", unknown.Opinions[0].Error);
        Assert.Equal("abstained: it learns decisions only, not free text", freeText.Opinions[0].Error);
    }

    [Fact]
    public void The_model_is_bounded_against_hostile_evidence()
    {
        var model = new OutcomeModel();
        for (var i = 0; i < 400; i++)
        {
            model.Learn([Evidence.OfNumber($"f{i}", i)], [$"c{i}", $"d{i}"], $"c{i}", 0.3);
        }

        Assert.Equal(OutcomeModel.MaxFeatures, model.Features.Count);
        Assert.Equal(OutcomeModel.MaxChoices, model.Weights.Count);
    }

    [Fact]
    public void It_cannot_be_created_outside_a_circle()
        => Assert.Throws<ArgumentException>(() => OfflineExperts.CreateClient(OfflineExpertKind.LearnedOutcome));
}
