using Code.Deploy.Gates;
using Code.Deploy.Specs;
using Code.Deploy.Traffic;

namespace Code.Deploy.Strategies.Planning;

/// <summary>Plans of the blue-green and canary strategies (Argo Rollouts' sequences).</summary>
internal sealed partial class DeploymentPlanner
{
    private static List<PlanStep> PlanBlueGreen(DeploymentSpec spec, BlueGreenStrategySpec blueGreen)
    {
        var n = spec.Replicas;
        var b = new PlanBuilder(n, n) { Weight = 0 };
        AddGates(b, spec, GatePoint.BeforeRollout, null);
        var preview = Math.Min(blueGreen.PreviewReplicaCount ?? n, n);
        b.New = preview;
        b.Add(PlanAction.ScaleUp, $"start {preview} instance{Plural(preview)} of {spec.Revision.Name} beside the stable revision" + (blueGreen.PreviewReplicaCount is null ? string.Empty : " (previewReplicaCount)"));
        b.Preview = true;
        b.Add(PlanAction.SetPreview, "wait until they are available and send the preview route to them; the active route stays on the stable revision", s => s with { Duration = MinReady(spec) });
        if (blueGreen.PrePromotionAnalysis is { } pre)
        {
            b.Add(PlanAction.Analysis, "run the pre-promotion analysis against the preview", s => s with { Analyses = Names(pre), OnFailure = "abort: the active route never leaves the stable revision" });
        }

        if (!blueGreen.AutoPromotionEnabled)
        {
            b.Add(PlanAction.Pause, "pause until promoted (autoPromotionEnabled is false)", s => s with { UntilPromoted = true });
        }
        else if (blueGreen.AutoPromotionSeconds is { } seconds)
        {
            b.Add(PlanAction.Pause, $"pause {seconds}s, then promote (autoPromotionSeconds); promoting earlier skips the wait", s => s with { Duration = TimeSpan.FromSeconds(seconds) });
        }

        AddGates(b, spec, GatePoint.BeforePromotion, null);
        if (preview < n)
        {
            b.New = n;
            b.Add(PlanAction.ScaleUp, $"scale {spec.Revision.Name} up to the full {n} instance{Plural(n)} and wait until they are available", s => s with { Duration = MinReady(spec) });
        }

        b.Weight = n == 0 ? null : 100;
        b.Add(PlanAction.SwitchTraffic, $"switch the active route to {spec.Revision.Name} at once");
        if (blueGreen.PostPromotionAnalysis is { } post)
        {
            b.Add(PlanAction.Analysis, "run the post-promotion analysis", s => s with { Analyses = Names(post), OnFailure = "switch the active route back to the stable revision, which still runs" });
        }

        b.Stable = 0;
        b.Preview = false;
        b.Add(PlanAction.ScaleDownDelay, $"keep the old revision running {blueGreen.ScaleDownDelaySeconds}s (scaleDownDelaySeconds; undo is a traffic switch until then), then scale it to 0", s => s with { Duration = TimeSpan.FromSeconds(blueGreen.ScaleDownDelaySeconds) });
        return [.. b.Steps];
    }

    private static DeploymentPlan PlanCanary(DeploymentPlan plan, DeploymentSpec spec, CanaryStrategySpec canary, PlanContext context)
    {
        var n = spec.Replicas;
        var router = context.TrafficRouter is not null;
        var surge = canary.MaxSurge.Resolve(n, roundUp: true);
        var b = new PlanBuilder(n, n) { Weight = 0 };
        AddGates(b, spec, GatePoint.BeforeRollout, null);
        var weight = 0;
        int? scaleOverride = null;
        int? backgroundFrom = null;
        var background = canary.Analysis;
        for (var i = 0; i < canary.Steps.Count; i++)
        {
            if (background is not null && i == background.StartingStep)
            {
                b.BackgroundRunning = true;
                backgroundFrom = b.Count;
            }

            var step = canary.Steps[i];
            AddGates(b, spec, GatePoint.BeforeStep, i, step.SetWeight is not null);
            switch (step.Kind)
            {
                case CanaryStepKind.SetWeight:
                    weight = step.SetWeight!.Value;
                    if (router)
                    {
                        ApplyRouted(b, canary, n, weight, scaleOverride);
                        b.Add(PlanAction.SetWeight, $"scale the canary to {b.New}, wait until available, then send it {weight}% of traffic" + (canary.DynamicStableScale ? $"; scale the stable revision to {b.Stable} (dynamicStableScale)" : string.Empty), s => s with { CanaryStep = i });
                    }
                    else
                    {
                        var split = ReplicaWeightApproximation.Split(n, weight, surge);
                        b.New = split.Canary;
                        b.Stable = split.Stable;
                        b.Weight = Math.Round(split.EffectiveWeight, 2);
                        b.Add(PlanAction.SetWeight, $"no traffic router: run {split.Canary} canary and {split.Stable} stable instance{Plural(split.Stable)}, about {b.Weight}% for a weight of {weight}%", s => s with { CanaryStep = i });
                    }

                    break;
                case CanaryStepKind.Pause:
                    var duration = step.Pause!.Duration;
                    b.Add(PlanAction.Pause, duration is { } d ? $"pause {Duration(d)}" : "pause until promoted", s => s with { CanaryStep = i, Duration = duration, UntilPromoted = duration is null });
                    break;
                case CanaryStepKind.Analysis:
                    b.Add(PlanAction.Analysis, "run the analysis and wait for its result", s => s with { CanaryStep = i, Analyses = Names(step.Analysis!), OnFailure = "abort: traffic back to the stable revision" });
                    break;
                case CanaryStepKind.SetCanaryScale:
                    var scale = step.SetCanaryScale!;
                    scaleOverride = scale.Replicas ?? (scale.Weight is { } w ? ReplicaWeightApproximation.ReplicasForWeight(n, w) : null);
                    ApplyRouted(b, canary, n, weight, scaleOverride);
                    b.Add(PlanAction.SetCanaryScale, scaleOverride is null
                        ? $"the canary's replica count follows its traffic weight again: {b.New}"
                        : $"run {b.New} canary instance{Plural(b.New)} whatever the traffic weight" + (scale.Weight is { } sw ? $" ({sw}% of {n})" : string.Empty), s => s with { CanaryStep = i });
                    break;
                case CanaryStepKind.SetHeaderRoute:
                    var route = step.SetHeaderRoute!;
                    if (route.Match.Count == 0)
                    {
                        b.RemoveRoute(route.Name);
                        b.Add(PlanAction.SetHeaderRoute, $"remove the header route '{route.Name}'", s => s with { CanaryStep = i });
                    }
                    else
                    {
                        b.AddRoute(route.Name);
                        b.Add(PlanAction.SetHeaderRoute, $"send requests with {string.Join(" and ", route.Match.Select(Describe))} to the canary (route '{route.Name}')", s => s with { CanaryStep = i });
                    }

                    break;
                default:
                    b.Add(PlanAction.Plugin, $"run the step plugin '{step.Plugin!.Name}' until it continues or fails", s => s with { CanaryStep = i, Plugin = step.Plugin.Name });
                    break;
            }
        }

        if (background is not null && backgroundFrom is null)
        {
            b.BackgroundRunning = true;
            backgroundFrom = b.Count;
        }

        AddGates(b, spec, GatePoint.BeforePromotion, null);
        b.RemoveAllRoutes();
        b.New = n;
        if (router)
        {
            b.Weight = n == 0 ? null : 100;
            b.Add(PlanAction.Promote, $"promote: scale the canary to {n}, wait until available, send it all traffic and make it stable");
        }
        else
        {
            b.Stable = 0;
            b.Weight = n == 0 ? null : 100;
            b.Add(PlanAction.Promote, $"promote: scale the canary to {n} and the old revision to 0 within maxSurge {surge} and maxUnavailable {canary.MaxUnavailable.Resolve(n, roundUp: false)}");
        }

        var backgroundTo = b.Count - 1;
        b.BackgroundRunning = false;
        if (router)
        {
            b.Stable = 0;
            b.Add(PlanAction.ScaleDownDelay, $"keep the old revision running {canary.ScaleDownDelaySeconds}s (scaleDownDelaySeconds), then scale it to 0", s => s with { Duration = TimeSpan.FromSeconds(canary.ScaleDownDelaySeconds) });
        }

        return plan with
        {
            Steps = [.. b.Steps],
            BackgroundAnalysis = background is null ? null : new BackgroundAnalysisPlan([.. background.Templates.Select(t => t.TemplateName)], backgroundFrom!.Value, backgroundTo),
        };
    }

    /// <summary>Argo's <c>CalculateReplicaCountsForTrafficRoutedCanary</c>: the canary follows the weight (or setCanaryScale); the stable keeps its count unless dynamicStableScale.</summary>
    private static void ApplyRouted(PlanBuilder b, CanaryStrategySpec canary, int n, int weight, int? scaleOverride)
    {
        b.New = scaleOverride ?? ReplicaWeightApproximation.ReplicasForWeight(n, weight);
        b.Stable = canary.DynamicStableScale ? ReplicaWeightApproximation.ReplicasForWeight(n, 100 - weight) : n;
        b.Weight = weight;
    }

    private static IReadOnlyList<string> Names(RolloutAnalysisSpec analysis) => [.. analysis.Templates.Select(t => t.TemplateName)];

    private static string Describe(HeaderRouteMatch match) => match.HeaderValue switch
    {
        { Exact: { } exact } => $"{match.HeaderName} = '{exact}'",
        { Prefix: { } prefix } => $"{match.HeaderName} starting with '{prefix}'",
        { Regex: { } regex } => $"{match.HeaderName} matching /{regex}/",
        _ => match.HeaderName,
    };
}
