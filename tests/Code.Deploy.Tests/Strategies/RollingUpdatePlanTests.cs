using Code.Deploy.Specs;
using Code.Deploy.Strategies;
using Code.Deploy.Strategies.Planning;
using static Code.Deploy.Tests.DeployTestHost;

namespace Code.Deploy.Tests.Strategies;

public sealed class RollingUpdatePlanTests
{
    // Kubernetes' RollingUpdateDeployment: "Absolute number is calculated from percentage by rounding up" (maxSurge)
    // and "by rounding down" (maxUnavailable); ResolveFenceposts turns 0/0 into maxUnavailable 1.
    [Theory]
    [InlineData(10, "25%", "25%", 3, 2)]
    [InlineData(3, "25%", "25%", 1, 0)]
    [InlineData(4, "25%", "25%", 1, 1)]
    [InlineData(10, "30%", "30%", 3, 3)]
    [InlineData(1, "25%", "25%", 1, 0)]
    [InlineData(1, "10%", "10%", 1, 0)]
    [InlineData(5, "0%", "10%", 0, 1)]
    [InlineData(10, "2", "0", 2, 0)]
    [InlineData(0, "25%", "25%", 0, 1)]
    public void Fenceposts_round_surge_up_and_unavailable_down(int replicas, string surge, string unavailable, int expectedSurge, int expectedUnavailable)
    {
        Assert.True(IntOrPercent.TryParse(surge, out var s));
        Assert.True(IntOrPercent.TryParse(unavailable, out var u));

        var (maxSurge, maxUnavailable) = RollingUpdateSimulation.ResolveFenceposts(s, u, replicas);

        Assert.Equal((expectedSurge, expectedUnavailable), (maxSurge, maxUnavailable));
    }

    [Fact]
    public void Three_replicas_with_the_defaults_follow_the_Kubernetes_documentation()
    {
        // kubernetes.io/docs/concepts/workloads/controllers/deployment ("Updating a Deployment", 3 replicas, 25%/25%):
        // Scaled up new to 1, scaled down old to 2, scaled up new to 2, scaled down old to 1, scaled up new to 3, scaled down old to 0.
        var plan = Plan(Yaml(SpecExamples.Rolling));

        var scaling = plan.Steps.Where(s => s.Action is PlanAction.ScaleUp or PlanAction.ScaleDown)
            .Select(s => s.Action == PlanAction.ScaleUp ? $"new {s.NewReplicas}" : $"old {s.StableReplicas}");
        Assert.Equal(["new 1", "old 2", "new 2", "old 1", "new 3", "old 0"], scaling);
        Assert.Equal("3/1 3/1 2/1 2/2 2/2 1/2 1/3 1/3 0/3", Counts(plan));
        Assert.Equal(PlanTrafficMode.ReplicaCounts, plan.Traffic);
        Assert.Equal([0, 25, 33.33, 33.33, 50, 66.67, 66.67, 75, 100], plan.Steps.Select(s => s.NewWeight!.Value));
        Assert.All(plan.Steps.Where(s => s.Action == PlanAction.WaitForReady), s => Assert.Equal(TimeSpan.FromSeconds(10), s.Duration));
    }

    [Fact]
    public void Ten_replicas_surge_three_unavailable_two()
    {
        // 10 replicas at 25 %/25 %: maxSurge ceil(2.5) = 3, maxUnavailable floor(2.5) = 2. One action per sync, as the
        // Deployment controller's rolloutRolling: new to 3 (13 pods); old to 8 (10 available > 8); new to 5 (11 pods < 13,
        // surge bounds pods, not readiness); wait; old to 3 (13 available - 8); new to 10; wait; old to 0.
        var plan = Plan(Minimal(new StrategySpec { RollingUpdate = new RollingUpdateStrategySpec() }, replicas: 10));

        Assert.Equal("10/3 8/3 8/5 8/5 3/5 3/10 3/10 0/10", Counts(plan));
        Assert.Equal(
            [PlanAction.ScaleUp, PlanAction.ScaleDown, PlanAction.ScaleUp, PlanAction.WaitForReady, PlanAction.ScaleDown, PlanAction.ScaleUp, PlanAction.WaitForReady, PlanAction.ScaleDown],
            plan.Steps.Select(s => s.Action));
    }

    [Fact]
    public void Max_unavailable_only_scales_down_first()
    {
        var plan = Plan(Minimal(new StrategySpec { RollingUpdate = new RollingUpdateStrategySpec { MaxSurge = 0, MaxUnavailable = 1 } }, replicas: 3));

        Assert.Equal("2/0 2/1 2/1 1/1 1/2 1/2 0/2 0/3 0/3", Counts(plan));
    }

    [Fact]
    public void Simulation_keeps_the_bounds_for_every_small_deployment()
    {
        var random = new Random(20261202);
        for (var run = 0; run < 2000; run++)
        {
            var replicas = random.Next(0, 40);
            var surge = random.Next(0, 12);
            var unavailable = random.Next(0, 12);
            if (surge == 0 && unavailable == 0)
            {
                unavailable = 1;
            }

            unavailable = Math.Min(unavailable, replicas);
            var actions = RollingUpdateSimulation.Run(replicas, replicas, surge, unavailable);
            foreach (var action in actions)
            {
                Assert.True(action.Old + action.New <= replicas + surge, $"{replicas}/{surge}/{unavailable}: {action}");
                Assert.True(action.Old + action.NewAvailable >= replicas - unavailable, $"{replicas}/{surge}/{unavailable}: {action}");
            }

            var last = actions.Count == 0 ? new RollingAction(RollingActionKind.WaitForAvailable, replicas, 0, 0) : actions[^1];
            Assert.True(replicas == 0 || (last.Old == 0 && last.New == replicas && last.NewAvailable == replicas), $"{replicas}/{surge}/{unavailable} ends at {last}");
        }
    }

    [Fact]
    public void Recreate_stops_everything_then_starts_the_new_revision()
    {
        var plan = Plan(Yaml(SpecExamples.Recreate));

        Assert.Equal([PlanAction.ScaleDown, PlanAction.ScaleUp, PlanAction.WaitForReady], plan.Steps.Select(s => s.Action));
        Assert.Equal("0/0 0/2 0/2", Counts(plan));
        Assert.Equal([null, null, 100.0], plan.Steps.Select(s => s.NewWeight));
    }
}
