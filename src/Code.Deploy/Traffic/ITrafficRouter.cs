namespace Code.Deploy.Traffic;

/// <summary>
/// Sends an application's requests to its revisions: weights per revision, header routes to a revision, a
/// preview route (blue-green's preview listener), and an instant switch (a weight of 100 to one revision).
/// A reconciler like <see cref="Targets.IDeploymentTarget"/>: applying the same routes twice changes nothing.
/// Implementations: the YARP front of the local-process target, Gateway API routes on Kubernetes.
/// </summary>
/// <remarks>Failures are reported by throwing <see cref="Targets.DeploymentTargetException"/>.</remarks>
public interface ITrafficRouter
{
    /// <summary>Gets what the router can do beyond weights.</summary>
    TrafficRouterCapabilities Capabilities { get; }

    /// <summary>Replaces the application's routes with these, at once (no request sees a mix of the old and new routes).</summary>
    /// <param name="routes">The routes; <see cref="TrafficRoutes.Validate"/> must find no problem.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>A task that completes when the routes are in effect.</returns>
    /// <exception cref="Targets.DeploymentTargetException">The router refused (invalid routes, a capability it lacks) or failed.</exception>
    ValueTask ApplyAsync(TrafficRoutes routes, CancellationToken cancellationToken);

    /// <summary>Reads the routes in effect for an application.</summary>
    /// <param name="app">The application.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The routes, or <see langword="null"/> when the router has none for the application.</returns>
    /// <exception cref="Targets.DeploymentTargetException">The router could not be read.</exception>
    ValueTask<TrafficRoutes?> ObserveAsync(string app, CancellationToken cancellationToken);
}

/// <summary>What a traffic router can do beyond weights.</summary>
public sealed record TrafficRouterCapabilities
{
    /// <summary>Gets a value indicating whether the router sends requests matching headers to a revision (<c>setHeaderRoute</c>).</summary>
    public bool HeaderRoutes { get; init; }

    /// <summary>Gets a value indicating whether the router serves a preview route to one revision beside the main route (blue-green).</summary>
    public bool PreviewRoute { get; init; }
}

/// <summary>An application's routes.</summary>
/// <param name="App">The application.</param>
/// <param name="Weights">The share of requests each revision gets, in percent, summing to 100, with unique revisions.</param>
public sealed record TrafficRoutes(string App, IReadOnlyList<RevisionWeight> Weights)
{
    /// <summary>Gets the header routes, checked before the weights in order; a request matching one goes to its revision.</summary>
    public IReadOnlyList<HeaderRoute> HeaderRoutes { get; init; } = [];

    /// <summary>Gets the revision behind the preview route, or <see langword="null"/> for no preview route.</summary>
    public string? PreviewRevision { get; init; }

    /// <summary>Creates routes sending every request to one revision (blue-green's switch, a promotion, a rollback).</summary>
    /// <param name="app">The application.</param>
    /// <param name="revision">The revision.</param>
    /// <returns>The routes.</returns>
    public static TrafficRoutes To(string app, string revision) => new(app, [new RevisionWeight(revision, 100)]);

    /// <summary>Creates routes splitting requests between a stable and a canary revision.</summary>
    /// <param name="app">The application.</param>
    /// <param name="stable">The stable revision.</param>
    /// <param name="canary">The canary revision.</param>
    /// <param name="canaryWeight">The canary's percentage, 0 to 100.</param>
    /// <returns>The routes.</returns>
    public static TrafficRoutes Split(string app, string stable, string canary, int canaryWeight) =>
        new(app, [new RevisionWeight(stable, 100 - canaryWeight), new RevisionWeight(canary, canaryWeight)]);

    /// <summary>Checks the routes: weights 0 to 100 summing to 100 over unique revisions, header routes with unique names and at least one match each.</summary>
    /// <returns>The problems, each a sentence; empty when the routes are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(App))
        {
            problems.Add("the app is empty");
        }

        if (Weights is null || Weights.Count == 0)
        {
            problems.Add("there must be at least one weight");
        }
        else
        {
            var sum = 0L;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var weight in Weights)
            {
                if (weight.Weight is < 0 or > 100)
                {
                    problems.Add($"the weight of '{weight.Revision}' must be 0..100, got {weight.Weight}");
                }

                if (!seen.Add(weight.Revision))
                {
                    problems.Add($"the revision '{weight.Revision}' has more than one weight");
                }

                sum += weight.Weight;
            }

            if (sum != 100)
            {
                problems.Add($"the weights must sum to 100, got {sum}");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in HeaderRoutes ?? [])
        {
            if (!names.Add(route.Name))
            {
                problems.Add($"the header route '{route.Name}' appears more than once");
            }

            if (route.Match.Count == 0)
            {
                problems.Add($"the header route '{route.Name}' has no match");
            }
        }

        return problems;
    }
}

/// <summary>A revision's share of requests.</summary>
/// <param name="Revision">The revision.</param>
/// <param name="Weight">The percentage, 0 to 100.</param>
public sealed record RevisionWeight(string Revision, int Weight);

/// <summary>A header route: requests meeting every match go to <paramref name="Revision"/>.</summary>
/// <param name="Name">The route's name (from the <c>setHeaderRoute</c> step).</param>
/// <param name="Match">The header conditions, all of which must hold.</param>
/// <param name="Revision">The revision that gets matching requests.</param>
public sealed record HeaderRoute(string Name, IReadOnlyList<HeaderRouteMatch> Match, string Revision);
