using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Experts.Tests.Consultation;

public class StoreFailureTests
{
    [Fact]
    public async Task A_failing_store_never_fails_a_consultation_but_outcomes_cannot_be_reported()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        var store = new InMemoryStateStore(time);
        using var host = new CircleHost(
            e => e.AddChatExpert("a", ScriptedChatClient.Answering("hold", 0.9)).AddChatExpert("b", ScriptedChatClient.Answering("hold", 0.7)),
            store: store,
            time: time);
        _ = host.Circle;
        store.Dispose(); // every store call now throws ObjectDisposedException

        var result = await host.Circle.ConsultAsync(ExpertQuestion.Decision("Hold?", PromotionDecision.Choices));

        Assert.Equal("hold", result.Answer);
        Assert.All(result.Opinions, o => Assert.Equal(0.5, o.Weight)); // the prior reliability
        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.Circle.ReportOutcomeAsync(result.ConsultationId, "hold"));
    }
}
