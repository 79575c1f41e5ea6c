namespace Code.Deploy.Strategies.Planning;

/// <summary>Accumulates plan steps, each recording the state (replicas, weight, routes) it leaves behind.</summary>
internal sealed class PlanBuilder(int stable, int replicas)
{
    private readonly List<PlanStep> steps = [];
    private readonly List<string> headerRoutes = [];

    public int Stable { get; set; } = stable;

    public int New { get; set; }

    public int Replicas { get; } = replicas;

    /// <summary>Gets or sets the new revision's share of traffic; <see langword="null"/> when nothing serves.</summary>
    public double? Weight { get; set; }

    public bool Preview { get; set; }

    public bool BackgroundRunning { get; set; }

    public int Count => steps.Count;

    public IReadOnlyList<PlanStep> Steps => steps;

    public void AddRoute(string name)
    {
        if (!headerRoutes.Contains(name))
        {
            headerRoutes.Add(name);
        }
    }

    public void RemoveRoute(string name) => headerRoutes.Remove(name);

    public void RemoveAllRoutes() => headerRoutes.Clear();

    public PlanStep Add(PlanAction action, string description, Func<PlanStep, PlanStep>? details = null)
    {
        var step = new PlanStep
        {
            Index = steps.Count,
            Action = action,
            Description = description,
            StableReplicas = Stable,
            NewReplicas = New,
            NewWeight = Weight,
            HeaderRoutes = [.. headerRoutes],
            Preview = Preview,
            BackgroundAnalysis = BackgroundRunning,
        };
        step = details?.Invoke(step) ?? step;
        steps.Add(step);
        return step;
    }

    /// <summary>The new revision's share of instances, in percent, when requests spread evenly over instances.</summary>
    public static double? ShareOf(int newInstances, int stableInstances) =>
        newInstances + stableInstances == 0 ? null : Math.Round(100.0 * newInstances / (newInstances + stableInstances), 2);
}
