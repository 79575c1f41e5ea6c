using Code.Core.Configuration;
using Code.Deploy.Specs;
using Code.Deploy.Strategies;
using Code.Deploy.Strategies.Planning;
using Code.Deploy.Traffic;
using Microsoft.Extensions.Options;
using static Code.Deploy.Tests.DeployTestHost;

namespace Code.Deploy.Tests.Strategies;

public sealed class ProgressivePlanTests
{
    [Fact]
    public void Blue_green_previews_analyses_pauses_scales_switches_and_delays()
    {
        // argoproj.github.io/argo-rollouts/features/bluegreen ("sequence of events"): preview scaled to previewReplicaCount,
        // prePromotionAnalysis, pause (autoPromotionSeconds), scale to spec.replicas, switch active, postPromotionAnalysis,
        // scale the old ReplicaSet down after scaleDownDelaySeconds.
        var plan = Plan(Yaml(SpecExamples.BlueGreen));

        Assert.Equal(
            [PlanAction.ScaleUp, PlanAction.SetPreview, PlanAction.Analysis, PlanAction.Pause, PlanAction.ScaleUp, PlanAction.SwitchTraffic, PlanAction.Analysis, PlanAction.ScaleDownDelay],
            plan.Steps.Select(s => s.Action));
        Assert.Equal("4/2 4/2 4/2 4/2 4/4 4/4 4/4 0/4", Counts(plan));
        Assert.Equal([0.0, 0, 0, 0, 0, 100, 100, 100], plan.Steps.Select(s => s.NewWeight!.Value));
        Assert.Equal(["smoke"], plan.Steps[2].Analyses);
        Assert.Equal(TimeSpan.FromSeconds(600), plan.Steps[3].Duration);
        Assert.Equal(["success-rate"], plan.Steps[6].Analyses);
        Assert.Contains("back", plan.Steps[6].OnFailure, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(60), plan.Steps[7].Duration);
        Assert.True(plan.Steps[1].Preview);
    }

    [Fact]
    public void Blue_green_without_auto_promotion_waits_for_a_promotion()
    {
        var spec = Minimal(new StrategySpec { BlueGreen = new BlueGreenStrategySpec { AutoPromotionEnabled = false } });

        var plan = Plan(spec);

        var pause = Assert.Single(plan.Steps, s => s.Action == PlanAction.Pause);
        Assert.True(pause.UntilPromoted);
        Assert.Equal("3/3 3/3 3/3 3/3 0/3", Counts(plan));
    }

    [Fact]
    public void Canary_with_a_router_follows_Argo_replica_rules()
    {
        // Argo's CalculateReplicaCountsForTrafficRoutedCanary: canary = ceil(replicas × weight / 100) unless setCanaryScale;
        // the stable keeps spec.replicas without dynamicStableScale.
        var plan = Plan(Yaml(SpecExamples.Canary));

        Assert.Equal(
            [PlanAction.SetWeight, PlanAction.Pause, PlanAction.SetHeaderRoute, PlanAction.Analysis, PlanAction.SetCanaryScale, PlanAction.SetWeight, PlanAction.Pause, PlanAction.Gate, PlanAction.Promote, PlanAction.ScaleDownDelay],
            plan.Steps.Select(s => s.Action));
        Assert.Equal("10/1 10/1 10/1 10/1 10/5 10/5 10/5 10/5 10/10 0/10", Counts(plan));
        Assert.Equal([10.0, 10, 10, 10, 10, 50, 50, 50, 100, 100], plan.Steps.Select(s => s.NewWeight!.Value));
        Assert.Equal(TimeSpan.FromMinutes(5), plan.Steps[1].Duration);
        Assert.True(plan.Steps[6].UntilPromoted);
        Assert.Equal(["testers"], plan.Steps[2].HeaderRoutes);
        Assert.Equal(["testers"], plan.Steps[7].HeaderRoutes);
        Assert.Empty(plan.Steps[8].HeaderRoutes);
        Assert.Equal(["release-manager"], plan.Steps[7].Gates);
        Assert.Equal(["success-rate"], plan.Steps[3].Analyses);
        Assert.Equal(new BackgroundAnalysisPlan(["latency"], 1, 8) with { Templates = plan.BackgroundAnalysis!.Templates }, plan.BackgroundAnalysis);
        Assert.Equal(["latency"], plan.BackgroundAnalysis.Templates);
        Assert.Equal([false, true, true, true, true, true, true, true, true, false], plan.Steps.Select(s => s.BackgroundAnalysis));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, null, null, null], plan.Steps.Select(s => s.CanaryStep));
    }

    [Fact]
    public void Canary_without_a_router_approximates_weights_with_replicas()
    {
        // Argo's getting-started rollout (5 replicas, 20/40/60/80 %) without traffic management: 1, 2, 3, 4 canary pods.
        var plan = Plan(Yaml(SpecExamples.CanaryWithoutRouter), new PlanContext { TrafficRouter = null });

        Assert.Equal(PlanTrafficMode.ReplicaCounts, plan.Traffic);
        Assert.Equal("4/1 4/1 3/2 3/2 2/3 2/3 1/4 1/4 0/5", Counts(plan));
        Assert.Equal([20.0, 20, 40, 40, 60, 60, 80, 80, 100], plan.Steps.Select(s => s.NewWeight!.Value));
        Assert.DoesNotContain(plan.Steps, s => s.Action == PlanAction.ScaleDownDelay);
    }

    [Fact]
    public void Canary_without_a_router_shows_the_effective_weight()
    {
        var spec = Minimal(new StrategySpec { Canary = new CanaryStrategySpec { Steps = [CanaryStep.Weight(25)] } }, replicas: 3);

        var plan = Plan(spec, new PlanContext { TrafficRouter = null });

        // 3 replicas, 25 %, maxSurge ceil(0.75) = 1: 1 canary beside 3 stable is 25 % exactly (Argo's canary_test.go table).
        Assert.Equal("3/1", $"{plan.Steps[0].StableReplicas}/{plan.Steps[0].NewReplicas}");
        Assert.Equal(25.0, plan.Steps[0].NewWeight);
    }

    [Fact]
    public void Dynamic_stable_scale_shrinks_the_stable_revision_as_traffic_leaves()
    {
        var spec = Minimal(new StrategySpec { Canary = new CanaryStrategySpec { DynamicStableScale = true, Steps = [CanaryStep.Weight(30), CanaryStep.Weight(75)] } }, replicas: 10);

        var plan = Plan(spec);

        Assert.Equal("7/3 3/8 3/10 0/10", Counts(plan));
    }

    [Fact]
    public void Set_canary_scale_weight_and_match_traffic_weight()
    {
        var spec = Minimal(new StrategySpec
        {
            Canary = new CanaryStrategySpec
            {
                Steps =
                [
                    new CanaryStep { SetCanaryScale = new SetCanaryScaleStep { Weight = 25 } },
                    CanaryStep.Weight(10),
                    new CanaryStep { SetCanaryScale = new SetCanaryScaleStep { MatchTrafficWeight = true } },
                ],
            },
        }, replicas: 10);

        var plan = Plan(spec);

        Assert.Equal("10/3 10/3 10/1 10/10 0/10", Counts(plan));
        Assert.Equal([0.0, 10, 10, 100, 100], plan.Steps.Select(s => s.NewWeight!.Value));
    }

    [Fact]
    public void Header_routes_and_canary_scale_need_a_router()
    {
        var spec = Yaml(SpecExamples.Canary);

        var error = Assert.Throws<DeploymentSpecException>(() => Plan(spec, new PlanContext { TrafficRouter = null }));

        Assert.Equal(["strategy.canary.steps[2].setHeaderRoute", "strategy.canary.steps[4].setCanaryScale"], error.Errors.Select(e => e.Path).Order());
        var noHeaders = Assert.Throws<DeploymentSpecException>(() => Plan(spec, new PlanContext { TrafficRouter = new TrafficRouterCapabilities() }));
        Assert.Contains("header routes", Assert.Single(noHeaders.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_deployment_skips_the_steps()
    {
        var plan = Plan(Yaml(SpecExamples.Canary), new PlanContext { InitialDeployment = true });

        Assert.Null(plan.StableRevision);
        Assert.Equal("0/10 0/10", Counts(plan));
        Assert.Equal(100.0, plan.Steps[^1].NewWeight);
    }

    [Theory]
    [InlineData(DeploymentStrategyNames.Rolling, StrategyKind.RollingUpdate)]
    [InlineData(DeploymentStrategyNames.BlueGreen, StrategyKind.BlueGreen)]
    [InlineData(DeploymentStrategyNames.Canary, StrategyKind.Canary)]
    public async Task A_spec_without_a_strategy_uses_the_default_strategy(string name, StrategyKind expected)
    {
        var options = Options.Create(new CodeOptions { Deploy = { DefaultStrategy = name } });
        var planner = new DeploymentPlanner(Validator(), options);

        var plan = await planner.PlanAsync(Minimal());

        Assert.Equal(expected, plan.Strategy);
        Assert.Equal(3, plan.Steps[^1].NewReplicas);
        Assert.Equal(0, plan.Steps[^1].StableReplicas);
    }

    [Fact]
    public void Gates_are_placed_before_the_rollout_before_set_weight_steps_and_before_promotion()
    {
        var spec = Minimal(new StrategySpec { Canary = new CanaryStrategySpec { Steps = [CanaryStep.Weight(20), CanaryStep.PauseFor(), CanaryStep.Weight(50)] } }) with
        {
            Gates =
            [
                new Gates.GateSpec { Name = "change-window", At = Gates.GatePoint.BeforeRollout, Manual = new() },
                new Gates.GateSpec { Name = "traffic", At = Gates.GatePoint.BeforeStep, Webhook = new() { Url = "http://127.0.0.1:9/confirm" } },
                new Gates.GateSpec { Name = "pause-check", At = Gates.GatePoint.BeforeStep, Steps = [1], Manual = new() },
                new Gates.GateSpec { Name = "experts", Experts = new() },
            ],
        };

        var plan = Plan(spec);

        var gates = plan.Steps.Where(s => s.Action == PlanAction.Gate).Select(s => $"{s.Index}:{string.Join(",", s.Gates)}");
        Assert.Equal(["0:change-window", "1:traffic", "3:pause-check", "5:traffic", "7:experts"], gates);
    }

    [Fact]
    public void Before_promotion_gates_need_a_strategy_with_a_promotion()
    {
        var spec = Minimal(new StrategySpec { RollingUpdate = new() }) with { Gates = [new Gates.GateSpec { Name = "g", Manual = new() }] };

        var error = Assert.Throws<DeploymentSpecException>(() => Plan(spec));

        Assert.Equal("gates[0].at", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public async Task An_invalid_spec_is_refused_with_every_problem()
    {
        var spec = Minimal(new StrategySpec { Canary = new CanaryStrategySpec { Steps = [CanaryStep.Weight(140), new CanaryStep()] } }) with { App = "Shop!" };

        var error = await Assert.ThrowsAsync<DeploymentSpecException>(() => Planner().PlanAsync(spec).AsTask());

        Assert.Equal(["app", "strategy.canary.steps[0].setWeight", "strategy.canary.steps[1]"], error.Errors.Select(e => e.Path));
        Assert.Equal("strategy.canary.steps[0].setWeight: must be 0..100, got 140", error.Errors[1].ToString());
    }
}
