using Code.Core.Configuration;
using Code.Deploy.Gates;
using Code.Deploy.Specs;
using Code.Deploy.Specs.Reading;
using Microsoft.Extensions.Options;

namespace Code.Deploy.Strategies.Planning;

/// <summary>Validates a spec, resolves its strategy (or <c>deploy_code.default_strategy</c>) and lays out every step.</summary>
internal sealed partial class DeploymentPlanner(IDeploymentSpecValidator validator, IOptions<CodeOptions>? options = null) : IDeploymentPlanner
{
    public ValueTask<DeploymentPlan> PlanAsync(DeploymentSpec spec, PlanContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        cancellationToken.ThrowIfCancellationRequested();
        context ??= PlanContext.Default;
        var errors = validator.Validate(spec);
        if (errors.Count > 0)
        {
            throw new DeploymentSpecException(errors);
        }

        var strategy = spec.Strategy ?? DefaultStrategy(options?.Value.Deploy.DefaultStrategy);
        var kind = strategy.Kind!.Value;
        CheckFitsTarget(spec, strategy, kind, context);
        var plan = new DeploymentPlan
        {
            App = spec.App,
            Revision = spec.Revision.Name,
            StableRevision = context.InitialDeployment ? null : context.StableRevision ?? "stable",
            Strategy = kind,
            Replicas = spec.Replicas,
            // Recreate and rolling updates send requests to every available instance: their weights are instance shares.
            Traffic = context.TrafficRouter is null || kind is StrategyKind.Recreate or StrategyKind.RollingUpdate ? PlanTrafficMode.ReplicaCounts : PlanTrafficMode.Router,
            Steps = [],
        };

        if (context.InitialDeployment)
        {
            return ValueTask.FromResult(plan with { Steps = PlanInitial(spec, context) });
        }

        return ValueTask.FromResult(kind switch
        {
            StrategyKind.Recreate => plan with { Steps = PlanRecreate(spec) },
            StrategyKind.RollingUpdate => plan with { Steps = PlanRolling(spec, strategy.RollingUpdate!) },
            StrategyKind.BlueGreen => plan with { Steps = PlanBlueGreen(spec, strategy.BlueGreen!) },
            _ => PlanCanary(plan, spec, strategy.Canary!, context),
        });
    }

    internal static StrategySpec DefaultStrategy(string? name) => name switch
    {
        DeploymentStrategyNames.BlueGreen => new StrategySpec { BlueGreen = new BlueGreenStrategySpec() },
        DeploymentStrategyNames.Canary => new StrategySpec { Canary = new CanaryStrategySpec() },
        _ => new StrategySpec { RollingUpdate = new RollingUpdateStrategySpec() },
    };

    /// <summary>The problems that depend on the strategy in force and on the target, not on the spec alone.</summary>
    private static void CheckFitsTarget(DeploymentSpec spec, StrategySpec strategy, StrategyKind kind, PlanContext context)
    {
        var errors = new List<SpecError>();
        var router = context.TrafficRouter;
        for (var i = 0; i < spec.Gates.Count; i++)
        {
            if (spec.Gates[i].At == GatePoint.BeforePromotion && kind is StrategyKind.Recreate or StrategyKind.RollingUpdate)
            {
                errors.Add(new SpecError($"gates[{i}].at", $"beforePromotion needs the blueGreen or canary strategy; the strategy is {Name(kind)}"));
            }
        }

        if (kind == StrategyKind.BlueGreen && router is null)
        {
            errors.Add(new SpecError("strategy.blueGreen", "needs a traffic router to switch traffic at once, and the target has none"));
        }

        if (kind == StrategyKind.BlueGreen && router is { PreviewRoute: false } && spec.Strategy is not null)
        {
            errors.Add(new SpecError("strategy.blueGreen", "needs a preview route, and the target's traffic router has none"));
        }

        if (strategy.Canary is { } canary)
        {
            if (router is null && canary.DynamicStableScale)
            {
                errors.Add(new SpecError("strategy.canary.dynamicStableScale", "needs a traffic router, and the target has none"));
            }

            for (var i = 0; i < canary.Steps.Count; i++)
            {
                var step = canary.Steps[i];
                if (step.SetCanaryScale is not null && router is null)
                {
                    errors.Add(new SpecError($"strategy.canary.steps[{i}].setCanaryScale", "needs a traffic router (without one, replica counts set the weight), and the target has none"));
                }

                if (step.SetHeaderRoute is not null && router is not { HeaderRoutes: true })
                {
                    errors.Add(new SpecError($"strategy.canary.steps[{i}].setHeaderRoute", router is null
                        ? "needs a traffic router, and the target has none"
                        : "needs a traffic router with header routes, and the target's router has none"));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new DeploymentSpecException(errors);
        }
    }

    private static List<PlanStep> PlanInitial(DeploymentSpec spec, PlanContext context)
    {
        var b = new PlanBuilder(0, spec.Replicas);
        AddGates(b, spec, GatePoint.BeforeRollout, null);
        b.New = spec.Replicas;
        b.Add(PlanAction.ScaleUp, $"first deployment: start {spec.Replicas} instance{Plural(spec.Replicas)} of {spec.Revision.Name} (the strategy's steps apply to later updates)");
        b.Weight = spec.Replicas == 0 ? null : 100;
        b.Add(PlanAction.WaitForReady, ReadyText(spec, spec.Replicas) + (context.TrafficRouter is null ? string.Empty : "; route all traffic to it"));
        return [.. b.Steps];
    }

    private static List<PlanStep> PlanRecreate(DeploymentSpec spec)
    {
        var b = new PlanBuilder(spec.Replicas, spec.Replicas) { Weight = 0 };
        AddGates(b, spec, GatePoint.BeforeRollout, null);
        b.Stable = 0;
        b.Weight = null;
        b.Add(PlanAction.ScaleDown, "stop every instance of the stable revision and wait until they are gone (no instance serves until the new ones are ready)");
        b.New = spec.Replicas;
        b.Add(PlanAction.ScaleUp, $"start {spec.Replicas} instance{Plural(spec.Replicas)} of {spec.Revision.Name}");
        b.Weight = spec.Replicas == 0 ? null : 100;
        b.Add(PlanAction.WaitForReady, ReadyText(spec, spec.Replicas), s => s with { Duration = MinReady(spec) });
        return [.. b.Steps];
    }

    private static List<PlanStep> PlanRolling(DeploymentSpec spec, RollingUpdateStrategySpec rolling)
    {
        var b = new PlanBuilder(spec.Replicas, spec.Replicas) { Weight = 0 };
        AddGates(b, spec, GatePoint.BeforeRollout, null);
        var (surge, unavailable) = RollingUpdateSimulation.ResolveFenceposts(rolling.MaxSurge, rolling.MaxUnavailable, spec.Replicas);
        unavailable = Math.Min(unavailable, spec.Replicas);
        foreach (var action in RollingUpdateSimulation.Run(spec.Replicas, spec.Replicas, surge, unavailable))
        {
            b.Stable = action.Old;
            b.New = action.New;
            b.Weight = PlanBuilder.ShareOf(action.NewAvailable, action.Old);
            _ = action.Kind switch
            {
                RollingActionKind.ScaleUpNew => b.Add(PlanAction.ScaleUp, $"scale {spec.Revision.Name} up to {action.New} (at most {spec.Replicas + surge} instances in all, maxSurge {surge})"),
                RollingActionKind.ScaleDownNew => b.Add(PlanAction.ScaleDown, $"scale {spec.Revision.Name} down to {action.New}"),
                RollingActionKind.ScaleDownOld => b.Add(PlanAction.ScaleDown, $"scale the stable revision down to {action.Old} (at least {spec.Replicas - unavailable} available, maxUnavailable {unavailable})"),
                _ => b.Add(PlanAction.WaitForReady, ReadyText(spec, action.New), s => s with { Duration = MinReady(spec) }),
            };
        }

        return [.. b.Steps];
    }

    private static void AddGates(PlanBuilder b, DeploymentSpec spec, GatePoint point, int? canaryStep, bool isSetWeight = false)
    {
        var names = spec.Gates
            .Where(g => g.At == point && (point != GatePoint.BeforeStep || (g.Steps.Count == 0 ? isSetWeight : g.Steps.Contains(canaryStep!.Value))))
            .Select(g => g.Name)
            .ToList();
        if (names.Count == 0)
        {
            return;
        }

        var where = point switch
        {
            GatePoint.BeforeRollout => "before the rollout",
            GatePoint.BeforeStep => $"before canary step {canaryStep}",
            _ => "before promotion",
        };
        b.Add(PlanAction.Gate, $"check gate{Plural(names.Count)} {string.Join(", ", names)} {where}", s => s with { Gates = names, CanaryStep = canaryStep });
    }

    private static string ReadyText(DeploymentSpec spec, int count) =>
        $"wait until {count} instance{Plural(count)} of {spec.Revision.Name} {(count == 1 ? "is" : "are")} available"
        + (spec.MinReadySeconds > 0 ? $" (ready for {spec.MinReadySeconds}s)" : string.Empty)
        + $"; fail after {spec.ProgressDeadlineSeconds}s without progress";

    private static TimeSpan? MinReady(DeploymentSpec spec) => spec.MinReadySeconds > 0 ? TimeSpan.FromSeconds(spec.MinReadySeconds) : null;

    private static string Plural(int count) => count == 1 ? string.Empty : "s";

    private static string Name(StrategyKind kind) => kind switch
    {
        StrategyKind.Recreate => "recreate",
        StrategyKind.RollingUpdate => "rollingUpdate",
        StrategyKind.BlueGreen => "blueGreen",
        _ => "canary",
    };

    private static string Duration(TimeSpan duration) => DurationFormat.Format(duration);
}
