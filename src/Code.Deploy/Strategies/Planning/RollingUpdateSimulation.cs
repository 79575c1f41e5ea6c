namespace Code.Deploy.Strategies.Planning;

/// <summary>
/// The replica counts a Kubernetes Deployment controller takes in a rolling update, one action per sync as
/// <c>rolloutRolling</c> does: scale the new ReplicaSet up if the surge allows (<c>NewRSNewReplicas</c>), else
/// scale the old one down if availability allows (<c>reconcileOldReplicaSets</c>, counting new instances that
/// are not yet available), else wait for the new instances to become available. Instances are assumed to
/// become available when waited for, and old ones to stay available until scaled down.
/// </summary>
internal static class RollingUpdateSimulation
{
    /// <summary>Kubernetes' <c>ResolveFenceposts</c>: surge rounds up, unavailable rounds down, and both 0 becomes unavailable 1.</summary>
    public static (int MaxSurge, int MaxUnavailable) ResolveFenceposts(Specs.IntOrPercent maxSurge, Specs.IntOrPercent maxUnavailable, int replicas)
    {
        var surge = maxSurge.Resolve(replicas, roundUp: true);
        var unavailable = maxUnavailable.Resolve(replicas, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return (surge, unavailable);
    }

    public static IReadOnlyList<RollingAction> Run(int oldReplicas, int replicas, int maxSurge, int maxUnavailable)
    {
        var actions = new List<RollingAction>();
        var old = oldReplicas;
        var created = 0;
        var available = 0;
        var guard = 4 * (oldReplicas + replicas) + 8;
        while (old > 0 || available < replicas || created != replicas)
        {
            if (--guard < 0)
            {
                throw new InvalidOperationException($"The rolling update of {oldReplicas} to {replicas} replicas (surge {maxSurge}, unavailable {maxUnavailable}) makes no progress.");
            }

            // Scale up: NewRSNewReplicas.
            var total = old + created;
            var maxTotal = replicas + maxSurge;
            if (created < replicas && total < maxTotal)
            {
                created += Math.Min(maxTotal - total, replicas - created);
                actions.Add(new RollingAction(RollingActionKind.ScaleUpNew, old, created, available));
                continue;
            }

            if (created > replicas)
            {
                created = replicas;
                available = Math.Min(available, created);
                actions.Add(new RollingAction(RollingActionKind.ScaleDownNew, old, created, available));
                continue;
            }

            // Scale down: reconcileOldReplicaSets / scaleDownOldReplicaSetsForRollingUpdate.
            var minAvailable = replicas - maxUnavailable;
            var newUnavailable = created - available;
            var maxScaledDown = old + created - minAvailable - newUnavailable;
            var availableTotal = old + available;
            if (old > 0 && maxScaledDown > 0 && availableTotal > minAvailable)
            {
                var down = Math.Min(Math.Min(old, availableTotal - minAvailable), maxScaledDown);
                old -= down;
                actions.Add(new RollingAction(RollingActionKind.ScaleDownOld, old, created, available));
                continue;
            }

            if (available < created)
            {
                available = created;
                actions.Add(new RollingAction(RollingActionKind.WaitForAvailable, old, created, available));
                continue;
            }

            if (old > 0 && minAvailable <= 0)
            {
                old = 0;
                actions.Add(new RollingAction(RollingActionKind.ScaleDownOld, old, created, available));
            }
        }

        return actions;
    }
}

internal enum RollingActionKind
{
    ScaleUpNew,
    ScaleDownNew,
    ScaleDownOld,
    WaitForAvailable,
}

internal readonly record struct RollingAction(RollingActionKind Kind, int Old, int New, int NewAvailable);
