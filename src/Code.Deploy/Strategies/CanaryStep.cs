using System.Text.Json.Serialization;
using Code.Deploy.Specs;
using Code.Deploy.Traffic;

namespace Code.Deploy.Strategies;

/// <summary>
/// One canary step: exactly one of its properties is set, as in an Argo Rollouts manifest
/// (<c>- setWeight: 20</c>, <c>- pause: {duration: 1h}</c>). The static methods build each kind.
/// </summary>
public sealed record CanaryStep
{
    /// <summary>Gets the percentage of traffic (0 to 100) to send to the canary.</summary>
    public int? SetWeight { get; init; }

    /// <summary>Gets a pause, for a duration or until the rollout is promoted.</summary>
    public PauseStep? Pause { get; init; }

    /// <summary>Gets an analysis that must pass before the next step.</summary>
    public RolloutAnalysisSpec? Analysis { get; init; }

    /// <summary>Gets an explicit canary replica count, independent of the traffic weight (needs a traffic router).</summary>
    public SetCanaryScaleStep? SetCanaryScale { get; init; }

    /// <summary>Gets a header route that sends matching requests to the canary, or removes it (needs a traffic router).</summary>
    public SetHeaderRouteStep? SetHeaderRoute { get; init; }

    /// <summary>Gets a custom step run by a registered <see cref="ICanaryStepPlugin"/>.</summary>
    public PluginSpec? Plugin { get; init; }

    /// <summary>Gets the kind of the step, or <see langword="null"/> when none or several properties are set (which is invalid).</summary>
    [JsonIgnore]
    public CanaryStepKind? Kind
    {
        get
        {
            CanaryStepKind? kind = null;
            var count = 0;
            if (SetWeight is not null) { kind = CanaryStepKind.SetWeight; count++; }
            if (Pause is not null) { kind = CanaryStepKind.Pause; count++; }
            if (Analysis is not null) { kind = CanaryStepKind.Analysis; count++; }
            if (SetCanaryScale is not null) { kind = CanaryStepKind.SetCanaryScale; count++; }
            if (SetHeaderRoute is not null) { kind = CanaryStepKind.SetHeaderRoute; count++; }
            if (Plugin is not null) { kind = CanaryStepKind.Plugin; count++; }
            return count == 1 ? kind : null;
        }
    }

    /// <summary>Creates a <c>setWeight</c> step.</summary>
    /// <param name="weight">The canary's percentage of traffic, 0 to 100.</param>
    /// <returns>The step.</returns>
    public static CanaryStep Weight(int weight) => new() { SetWeight = weight };

    /// <summary>Creates a <c>pause</c> step.</summary>
    /// <param name="duration">How long to pause, or <see langword="null"/> to pause until promoted.</param>
    /// <returns>The step.</returns>
    public static CanaryStep PauseFor(TimeSpan? duration = null) => new() { Pause = new PauseStep { Duration = duration } };

    /// <summary>Creates an <c>analysis</c> step.</summary>
    /// <param name="templateNames">The names of the templates to run.</param>
    /// <returns>The step.</returns>
    public static CanaryStep AnalyzeWith(params string[] templateNames) => new()
    {
        Analysis = new RolloutAnalysisSpec { Templates = [.. templateNames.Select(n => new AnalysisTemplateReference(n))] },
    };
}

/// <summary>The kinds of canary step.</summary>
public enum CanaryStepKind
{
    /// <summary>Set the canary's share of traffic.</summary>
    SetWeight,

    /// <summary>Pause for a duration or until promoted.</summary>
    Pause,

    /// <summary>Run an analysis and wait for its result.</summary>
    Analysis,

    /// <summary>Set the canary's replica count explicitly.</summary>
    SetCanaryScale,

    /// <summary>Add or remove a header route to the canary.</summary>
    SetHeaderRoute,

    /// <summary>Run a custom step plugin.</summary>
    Plugin,
}

/// <summary>A pause step.</summary>
public sealed record PauseStep
{
    /// <summary>Gets how long to pause, or <see langword="null"/> to pause until the rollout is promoted.</summary>
    /// <value>The default value is <see langword="null"/>; written <c>30s</c>, <c>5m</c>, <c>1h</c> or a number of seconds; at most 30 days.</value>
    public TimeSpan? Duration { get; init; }
}

/// <summary>A <c>setCanaryScale</c> step: exactly one of <see cref="Replicas"/>, <see cref="Weight"/> and <see cref="MatchTrafficWeight"/>.</summary>
public sealed record SetCanaryScaleStep
{
    /// <summary>Gets an explicit canary replica count, 0 to 10000.</summary>
    public int? Replicas { get; init; }

    /// <summary>Gets a percentage (0 to 100) of the spec's replicas to run as canary, rounded up.</summary>
    public int? Weight { get; init; }

    /// <summary>Gets a value indicating whether the canary's replica count follows its traffic weight again (the default behaviour).</summary>
    public bool MatchTrafficWeight { get; init; }
}

/// <summary>A <c>setHeaderRoute</c> step: requests whose headers match go to the canary; with no match the named route is removed.</summary>
public sealed record SetHeaderRouteStep
{
    /// <summary>Gets the route's name, unique among the spec's header routes.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the header conditions, all of which a request must meet; empty removes the route.</summary>
    public IReadOnlyList<HeaderRouteMatch> Match { get; init; } = [];
}
