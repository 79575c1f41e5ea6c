using Code.Deploy.Specs;
using Code.Deploy.Targets;
using Code.Deploy.Traffic;

namespace Code.Deploy.Strategies;

/// <summary>
/// Computes the full, ordered plan of a rollout without touching a target: the dry run
/// (<c>deploy_code.dry_run</c>). Each step gives the replica count of the stable and the new revision,
/// the traffic weights, header routes, analyses and gates, as the strategy would take them.
/// </summary>
public interface IDeploymentPlanner
{
    /// <summary>Plans a rollout.</summary>
    /// <param name="spec">The spec; it is validated first.</param>
    /// <param name="context">What runs now and what the target can do; <see langword="null"/> for <see cref="PlanContext.Default"/>.</param>
    /// <param name="cancellationToken">Stops planning.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="DeploymentSpecException">The spec is not valid, or cannot run as given on the target (for example <c>setHeaderRoute</c> without a traffic router).</exception>
    ValueTask<DeploymentPlan> PlanAsync(DeploymentSpec spec, PlanContext? context = null, CancellationToken cancellationToken = default);
}

/// <summary>What a plan starts from: the revision that runs now and the traffic router the target has.</summary>
public sealed record PlanContext
{
    /// <summary>Gets the default context: an update of a running stable revision, behind a traffic router with header and preview routes.</summary>
    public static PlanContext Default { get; } = new();

    /// <summary>Gets the name of the revision that runs now, or <see langword="null"/> to call it "stable".</summary>
    public string? StableRevision { get; init; }

    /// <summary>
    /// Gets a value indicating whether nothing of the application runs yet: the plan is then the first deployment
    /// (start the replicas and route all traffic to them), skipping the strategy's steps as Argo Rollouts does.
    /// </summary>
    public bool InitialDeployment { get; init; }

    /// <summary>Gets the target's traffic router's capabilities, or <see langword="null"/> when the target has no router (weights are then approximated by replica counts).</summary>
    /// <value>The default value is a router with header routes and a preview route.</value>
    public TrafficRouterCapabilities? TrafficRouter { get; init; } = new() { HeaderRoutes = true, PreviewRoute = true };

    /// <summary>Creates the context of a target.</summary>
    /// <param name="target">The target.</param>
    /// <param name="stableRevision">The revision that runs now, or <see langword="null"/> when nothing runs yet.</param>
    /// <returns>The context.</returns>
    public static PlanContext For(IDeploymentTarget target, string? stableRevision)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new PlanContext
        {
            StableRevision = stableRevision,
            InitialDeployment = stableRevision is null,
            TrafficRouter = target.TrafficRouter?.Capabilities,
        };
    }
}
