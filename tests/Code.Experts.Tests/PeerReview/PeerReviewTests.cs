using Code.Experts.Consultation;
using Code.Experts.PeerReview;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.PeerReview;

public class PeerReviewTests
{
    private static readonly ExpertQuestion Question = ExpertQuestion.Decision("Promote?", PromotionDecision.Choices) with { PeerReview = true };

    /// <summary>An expert that answers <paramref name="answer"/> and, as a reviewer, ranks the labels in reverse alphabetical order.</summary>
    private static ScriptedChatClient Reviewer(string answer, double confidence)
        => new(call => Task.FromResult(ScriptedChatClient.Reply(call.Request.Task == "peer_review"
            ? "My ranking:\n```json\n{\"ranking\": [" + string.Join(", ", call.Request.Answers!.Select(a => $"\"Answer {a.Label}\"").Reverse()) + "]}\n```"
            : ScriptedChatClient.Verdict(answer, confidence))));

    [Fact]
    public async Task Each_expert_ranks_the_others_answers_under_shuffled_labels_and_rankings_map_back_to_experts()
    {
        var clients = new Dictionary<string, ScriptedChatClient>
        {
            ["e1"] = Reviewer("promote", 0.9),
            ["e2"] = Reviewer("promote", 0.8),
            ["e3"] = Reviewer("hold", 0.7),
            ["e4"] = Reviewer("rollback", 0.6),
        };
        using var host = new CircleHost(e =>
        {
            foreach (var (name, client) in clients)
            {
                e.AddChatExpert(name, client);
            }
        });

        var result = await host.Circle.ConsultAsync(Question);

        Assert.Equal(4, result.PeerReviews.Count);
        foreach (var ballot in result.PeerReviews)
        {
            Assert.Null(ballot.Error);
            Assert.DoesNotContain(ballot.Reviewer, ballot.Ranking);
            Assert.Equal(3, ballot.Ranking.Count);
            Assert.Equal(["A", "B", "C"], ballot.Labels.Select(l => l.Label));

            // The reviewer ranked labels in reverse order, so the ranking is the label order reversed.
            Assert.Equal(ballot.Labels.Select(l => l.Expert).Reverse(), ballot.Ranking);

            // What the reviewer saw: the other experts' answers, labelled, without names.
            var call = clients[ballot.Reviewer].Received.Single(c => c.Request.Task == "peer_review");
            var shown = call.Request.Answers!;
            Assert.Equal(ballot.Labels.Select(l => result.Opinions.Single(o => o.Expert == l.Expert).Answer), shown.Select(a => a.Answer));
            foreach (var name in clients.Keys)
            {
                Assert.DoesNotContain(name, call.UserText, StringComparison.Ordinal);
            }
        }

        // Scores: the mean normalized position over the three ballots that ranked each expert.
        foreach (var opinion in result.Opinions)
        {
            var positions = result.PeerReviews.Where(b => b.Ranking.Contains(opinion.Expert)).Select(b => (2 - b.Ranking.ToList().IndexOf(opinion.Expert)) / 2.0);
            Assert.Equal(positions.Average(), opinion.PeerScore!.Value, 9);
        }

        // The shuffle moves answers around: not every reviewer sees the others in registration order.
        Assert.Contains(result.PeerReviews, b => !b.Labels.Select(l => l.Expert).SequenceEqual(clients.Keys.Where(k => k != b.Reviewer)));
    }

    [Fact]
    public async Task The_label_order_is_reproducible_from_the_seed()
    {
        async Task<IReadOnlyList<PeerReviewBallot>> RunAsync(int seed)
        {
            using var host = new CircleHost(
                e => e.AddChatExpert("e1", Reviewer("promote", 0.9)).AddChatExpert("e2", Reviewer("hold", 0.8)).AddChatExpert("e3", Reviewer("hold", 0.7)).AddChatExpert("e4", Reviewer("promote", 0.5)),
                o => o.Seed = seed);
            return (await host.Circle.ConsultAsync(Question)).PeerReviews;
        }

        var first = await RunAsync(11);
        var again = await RunAsync(11);

        Assert.Equal(first.Select(b => string.Join(",", b.Labels.Select(l => l.Expert))), again.Select(b => string.Join(",", b.Labels.Select(l => l.Expert))));
    }

    [Fact]
    public async Task A_broken_ranking_is_repaired_once_then_recorded_as_a_failed_ballot()
    {
        var bad = new ScriptedChatClient(call => Task.FromResult(ScriptedChatClient.Reply(call.Request.Task == "peer_review"
            ? "{\"ranking\": [\"A\"]}"
            : ScriptedChatClient.Verdict("hold", 0.5))));
        using var host = new CircleHost(e => e
            .AddChatExpert("bad", bad)
            .AddChatExpert("e2", Reviewer("hold", 0.8))
            .AddChatExpert("e3", Reviewer("promote", 0.7)));

        var result = await host.Circle.ConsultAsync(Question);

        var ballot = result.PeerReviews.Single(b => b.Reviewer == "bad");
        Assert.Empty(ballot.Ranking);
        Assert.Contains("\"ranking\" leaves out B", ballot.Error, StringComparison.Ordinal);
        Assert.Equal(3, bad.Calls); // verdict, ranking, one repair of the ranking
        Assert.Contains("Rank every label exactly once", bad.Received.Last().UserText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Peer_review_is_skipped_with_fewer_than_three_usable_opinions()
    {
        var a = Reviewer("hold", 0.8);
        using var host = new CircleHost(e => e.AddChatExpert("a", a).AddChatExpert("b", Reviewer("hold", 0.7)));

        var result = await host.Circle.ConsultAsync(Question);

        Assert.Empty(result.PeerReviews);
        Assert.Equal(1, a.Calls);
        Assert.All(result.Opinions, o => Assert.Null(o.PeerScore));
    }

    [Fact]
    public void Assign_labels_a_permutation_and_differs_across_draws()
    {
        var experts = new[] { "a", "b", "c", "d", "e" };
        var random = new Random(3);
        var orders = Enumerable.Range(0, 10).Select(_ => PeerReviewLabels.Assign(experts, random)).ToList();

        Assert.All(orders, o => Assert.Equal(experts.Order(), o.Select(l => l.Expert).Order()));
        Assert.All(orders, o => Assert.Equal(["A", "B", "C", "D", "E"], o.Select(l => l.Label)));
        Assert.True(orders.Select(o => string.Concat(o.Select(l => l.Expert))).Distinct().Count() > 1);
    }

    [Fact]
    public void Labels_continue_past_z()
    {
        Assert.Equal("Z", PeerReviewLabels.Label(25));
        Assert.Equal("A1", PeerReviewLabels.Label(26));
    }
}
