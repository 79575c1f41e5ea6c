using Code.Deploy.Traffic;

namespace Code.Deploy.Targets;

/// <summary>
/// Where revisions run (local processes, Kubernetes, the simulated target). A reconciler: the engine says
/// what each revision of an application should be (<see cref="ApplyAsync"/>) and reads what is
/// (<see cref="ObserveAsync"/>) until the two agree. Every call is idempotent: applying the same desired
/// state twice changes nothing, so an engine that resumes after a crash can simply apply again.
/// </summary>
/// <remarks>
/// Failures are reported by throwing <see cref="DeploymentTargetException"/> with a
/// <see cref="TargetErrorKind"/>, so the engine can record why and decide whether to retry. Problems of the
/// instances themselves (a crash loop, an instance that never becomes ready) are not exceptions: they are
/// observed, in <see cref="ObservedRevision.Failures"/>.
/// </remarks>
public interface IDeploymentTarget
{
    /// <summary>Gets the target's name, unique in the host (a circuit breaker is kept per target).</summary>
    string Name { get; }

    /// <summary>Gets what the target can do.</summary>
    DeploymentTargetCapabilities Capabilities { get; }

    /// <summary>Gets the target's own traffic router, or <see langword="null"/> when it has none (the engine then approximates weights with replica counts, see <see cref="ReplicaWeightApproximation"/>).</summary>
    ITrafficRouter? TrafficRouter { get; }

    /// <summary>
    /// Makes the listed revisions of an application match their desired state: creates a revision that does
    /// not exist, scales each to its replica count (0 keeps the definition with no instance). Revisions not
    /// listed are left as they are. Returns once the request is accepted, not once instances are ready.
    /// </summary>
    /// <param name="desired">The desired state.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>A task that completes when the target accepted the desired state.</returns>
    /// <exception cref="DeploymentTargetException">The target refused or failed the request.</exception>
    ValueTask ApplyAsync(DesiredAppState desired, CancellationToken cancellationToken);

    /// <summary>Reads the actual state of every revision of an application the target runs.</summary>
    /// <param name="app">The application.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The observed state (no revisions when the target runs none of the application).</returns>
    /// <exception cref="DeploymentTargetException">The target could not be read.</exception>
    ValueTask<ObservedAppState> ObserveAsync(string app, CancellationToken cancellationToken);

    /// <summary>Stops every instance of a revision and forgets it. Removing a revision that does not exist succeeds.</summary>
    /// <param name="app">The application.</param>
    /// <param name="revision">The revision's name.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>A task that completes when the revision is removed.</returns>
    /// <exception cref="DeploymentTargetException">The target refused or failed the request.</exception>
    ValueTask RemoveRevisionAsync(string app, string revision, CancellationToken cancellationToken);
}

/// <summary>What a target can do.</summary>
public sealed record DeploymentTargetCapabilities
{
    /// <summary>Gets a value indicating whether the target runs revisions given by <see cref="Specs.RevisionSpec.Command"/> (local processes).</summary>
    public bool RunsCommands { get; init; }

    /// <summary>Gets a value indicating whether the target runs revisions given by <see cref="Specs.RevisionSpec.Image"/> (containers).</summary>
    public bool RunsImages { get; init; }

    /// <summary>Gets the most replicas the target runs per revision.</summary>
    /// <value>The default value is <see cref="Specs.SpecLimits.MaxReplicas"/>.</value>
    public int MaxReplicasPerRevision { get; init; } = Specs.SpecLimits.MaxReplicas;
}
