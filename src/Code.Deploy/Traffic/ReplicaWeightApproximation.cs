namespace Code.Deploy.Traffic;

/// <summary>
/// Turns a traffic weight into replica counts: with a traffic router, how many canary instances a weight
/// needs; without one, the stable and canary counts whose ratio comes closest to the weight (so a plain load
/// balancer spreading requests evenly over instances gives about that weight). Both as Argo Rollouts does.
/// </summary>
public static class ReplicaWeightApproximation
{
    /// <summary>
    /// The canary instances for a weight when a traffic router moves the traffic: <c>ceil(replicas × weight / 100)</c>
    /// (Argo Rollouts' <c>trafficWeightToReplicas</c>).
    /// </summary>
    /// <param name="replicas">The spec's replica count, 0 or more.</param>
    /// <param name="weight">The percentage, 0 to 100.</param>
    /// <returns>The instance count.</returns>
    public static int ReplicasForWeight(int replicas, int weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 100);
        return (int)(((long)replicas * weight + 99) / 100);
    }

    /// <summary>
    /// The stable and canary counts that come closest to a weight without a traffic router (Argo Rollouts'
    /// basic canary): the candidates are the floor and ceiling of <c>replicas × weight / 100</c> over
    /// <paramref name="replicas"/> instances, and over one more when <paramref name="maxSurge"/> allows it;
    /// the one whose share is nearest the weight wins, the larger canary on a tie. For a weight of 1 to 99 with
    /// two or more instances (surge included), neither side is left at 0.
    /// </summary>
    /// <param name="replicas">The spec's replica count, 0 or more.</param>
    /// <param name="weight">The canary's percentage, 0 to 100.</param>
    /// <param name="maxSurge">The resolved maxSurge (instances allowed above <paramref name="replicas"/>), 0 or more.</param>
    /// <returns>The counts and the share they give.</returns>
    public static ReplicaSplit Split(int replicas, int weight, int maxSurge)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSurge);
        if (replicas == 0)
        {
            return new ReplicaSplit(0, 0);
        }

        var exact = (long)replicas * weight;
        var ceiling = (int)((exact + 99) / 100);
        var floor = (int)(exact / 100);
        var zeroAllowed = weight is 0 or 100 || (replicas == 1 && maxSurge == 0);

        Span<(int Canary, int Total)> options = stackalloc (int, int)[4];
        var count = 0;
        if (ceiling < replicas || zeroAllowed)
        {
            options[count++] = (ceiling, replicas);
        }

        if (!IsTie(replicas, weight) && (floor != 0 || zeroAllowed))
        {
            options[count++] = (floor, replicas);
        }

        if (maxSurge > 0)
        {
            options[count++] = (ceiling, replicas + 1);
            if (!IsTie(replicas + 1, weight) && (floor != 0 || zeroAllowed))
            {
                options[count++] = (floor, replicas + 1);
            }
        }

        if (count == 0)
        {
            // A tie whose ceiling is every instance, without surge (2 replicas at 75 %, 10 at 95 %): Argo returns no canary
            // here; the floor keeps one stable instance and still runs a canary.
            options[count++] = (floor, replicas);
        }

        var best = options[0];
        var bestDelta = Delta(best, weight);
        for (var i = 1; i < count; i++)
        {
            var delta = Delta(options[i], weight);
            if (delta < bestDelta)
            {
                best = options[i];
                bestDelta = delta;
            }
        }

        return new ReplicaSplit(best.Canary, best.Total - best.Canary);
    }

    // Floor and ceiling are equally far from the weight (for example 3 replicas at 50 %): the ceiling is kept.
    private static bool IsTie(int total, int weight) => (long)total * weight % 100 == 50;

    private static double Delta((int Canary, int Total) option, int weight) =>
        Math.Abs((100.0 * option.Canary / option.Total) - weight);
}

/// <summary>Stable and canary instance counts approximating a weight.</summary>
/// <param name="Canary">Canary instances.</param>
/// <param name="Stable">Stable instances.</param>
public readonly record struct ReplicaSplit(int Canary, int Stable)
{
    /// <summary>Gets the canary's share of the instances in percent (0 when there are none): the weight a load balancer spreading requests evenly gives it.</summary>
    public double EffectiveWeight => Canary + Stable == 0 ? 0 : 100.0 * Canary / (Canary + Stable);
}
