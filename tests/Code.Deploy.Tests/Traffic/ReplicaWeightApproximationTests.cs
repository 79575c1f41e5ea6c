using Code.Deploy.Traffic;

namespace Code.Deploy.Tests.Traffic;

public sealed class ReplicaWeightApproximationTests
{
    // Argo Rollouts, utils/replicaset/canary_test.go, TestApproximateWeightedNewStableReplicaCounts (maxWeight 100).
    [Theory]
    [InlineData(0, 50, 1, 0, 0)]
    [InlineData(1, 0, 0, 0, 1)]
    [InlineData(1, 49, 0, 0, 1)]
    [InlineData(1, 50, 0, 1, 0)]
    [InlineData(1, 99, 0, 1, 0)]
    [InlineData(1, 1, 1, 1, 1)]
    [InlineData(1, 100, 1, 1, 0)]
    [InlineData(2, 1, 0, 1, 1)]
    [InlineData(2, 99, 0, 1, 1)]
    [InlineData(2, 100, 0, 2, 0)]
    [InlineData(2, 1, 1, 1, 2)]
    [InlineData(2, 99, 1, 2, 1)]
    [InlineData(3, 10, 0, 1, 2)]
    [InlineData(3, 49, 0, 1, 2)]
    [InlineData(3, 50, 0, 2, 1)]
    [InlineData(3, 10, 1, 1, 3)]
    [InlineData(3, 33, 1, 1, 2)]
    [InlineData(3, 49, 1, 2, 2)]
    [InlineData(3, 50, 1, 2, 2)]
    [InlineData(10, 0, 1, 0, 10)]
    [InlineData(10, 1, 0, 1, 9)]
    [InlineData(10, 14, 0, 1, 9)]
    [InlineData(10, 15, 0, 2, 8)]
    public void Matches_Argo_basic_canary_counts(int replicas, int weight, int maxSurge, int canary, int stable)
    {
        Assert.Equal(new ReplicaSplit(canary, stable), ReplicaWeightApproximation.Split(replicas, weight, maxSurge));
    }

    [Fact]
    public void Matches_the_Argo_documentation_examples()
    {
        // argoproj.github.io/argo-rollouts/features/canary: "10 Replicas and 10% ... new ReplicaSet to 1 replicas and the old
        // stable ReplicaSet to 9"; "setWeight is 41% ... the new ReplicaSet has 4 pods ... the old ReplicaSet has 6 pods"
        // (maxSurge 25 % of 10 rounds up to 3).
        Assert.Equal(new ReplicaSplit(1, 9), ReplicaWeightApproximation.Split(10, 10, 3));
        Assert.Equal(new ReplicaSplit(4, 6), ReplicaWeightApproximation.Split(10, 41, 3));
        Assert.Equal(40.0, ReplicaWeightApproximation.Split(10, 41, 3).EffectiveWeight);
    }

    [Fact]
    public void Never_leaves_a_side_empty_for_a_partial_weight_and_always_stays_close()
    {
        for (var replicas = 2; replicas <= 60; replicas++)
        {
            for (var weight = 1; weight <= 99; weight++)
            {
                foreach (var surge in new[] { 0, 1, 3 })
                {
                    var split = ReplicaWeightApproximation.Split(replicas, weight, surge);
                    Assert.True(split.Canary >= 1 && split.Stable >= 1, $"{replicas} at {weight}% surge {surge}: {split}");
                    Assert.InRange(split.Canary + split.Stable, replicas, replicas + (surge > 0 ? 1 : 0));
                    var best = Math.Abs(100.0 * Math.Round(replicas * weight / 100.0) / replicas - weight);
                    Assert.True(Math.Abs(split.EffectiveWeight - weight) <= Math.Max(best, 100.0 / replicas) + 1e-9, $"{replicas} at {weight}%: {split.EffectiveWeight}");
                }
            }
        }
    }

    [Fact]
    public void A_tie_at_the_full_count_without_surge_still_runs_a_canary()
    {
        // Argo returns (0 canary, 10 stable) for 10 replicas at 95 % with maxSurge 0; CODE keeps the canary.
        Assert.Equal(new ReplicaSplit(9, 1), ReplicaWeightApproximation.Split(10, 95, 0));
        Assert.Equal(new ReplicaSplit(1, 1), ReplicaWeightApproximation.Split(2, 75, 0));
    }

    [Theory]
    [InlineData(10, 10, 1)]
    [InlineData(10, 15, 2)]
    [InlineData(3, 50, 2)]
    [InlineData(4, 0, 0)]
    [InlineData(4, 100, 4)]
    public void Routed_canary_replicas_round_up(int replicas, int weight, int expected)
    {
        Assert.Equal(expected, ReplicaWeightApproximation.ReplicasForWeight(replicas, weight));
    }

    [Fact]
    public void Routes_are_checked()
    {
        Assert.Empty(TrafficRoutes.Split("shop", "v1", "v2", 20).Validate());
        Assert.Empty(TrafficRoutes.To("shop", "v2").Validate());

        var bad = new TrafficRoutes("shop", [new RevisionWeight("v1", 70), new RevisionWeight("v1", 40)])
        {
            HeaderRoutes = [new HeaderRoute("testers", [], "v2"), new HeaderRoute("testers", [new HeaderRouteMatch { HeaderName = "X", HeaderValue = new StringMatch { Exact = "1" } }], "v2")],
        };

        Assert.Equal(
        [
            "the revision 'v1' has more than one weight",
            "the weights must sum to 100, got 110",
            "the header route 'testers' has no match",
            "the header route 'testers' appears more than once",
        ], bad.Validate());
        Assert.Contains("must be 0..100, got 120", new TrafficRoutes("shop", [new RevisionWeight("v1", 120)]).Validate()[0], StringComparison.Ordinal);
    }
}
