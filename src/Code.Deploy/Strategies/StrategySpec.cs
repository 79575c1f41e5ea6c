using System.Text.Json.Serialization;
using Code.Deploy.Specs;

namespace Code.Deploy.Strategies;

/// <summary>How a revision replaces the running one: exactly one of <see cref="Recreate"/>, <see cref="RollingUpdate"/>, <see cref="BlueGreen"/> and <see cref="Canary"/>.</summary>
public sealed record StrategySpec
{
    /// <summary>Gets the recreate strategy: stop every old instance, then start the new ones.</summary>
    public RecreateStrategySpec? Recreate { get; init; }

    /// <summary>Gets the rolling update strategy of a Kubernetes Deployment.</summary>
    public RollingUpdateStrategySpec? RollingUpdate { get; init; }

    /// <summary>Gets the blue-green strategy of Argo Rollouts.</summary>
    public BlueGreenStrategySpec? BlueGreen { get; init; }

    /// <summary>Gets the canary strategy of Argo Rollouts.</summary>
    public CanaryStrategySpec? Canary { get; init; }

    /// <summary>Gets the kind of the strategy that is set, or <see langword="null"/> when none or several are set (which is invalid).</summary>
    [JsonIgnore]
    public StrategyKind? Kind => (Recreate, RollingUpdate, BlueGreen, Canary) switch
    {
        (not null, null, null, null) => StrategyKind.Recreate,
        (null, not null, null, null) => StrategyKind.RollingUpdate,
        (null, null, not null, null) => StrategyKind.BlueGreen,
        (null, null, null, not null) => StrategyKind.Canary,
        _ => null,
    };
}

/// <summary>The kinds of strategy.</summary>
public enum StrategyKind
{
    /// <summary>Stop every old instance, then start the new ones.</summary>
    Recreate,

    /// <summary>Replace instances a few at a time within maxSurge and maxUnavailable.</summary>
    RollingUpdate,

    /// <summary>Run the new revision beside the old one behind a preview route, then switch all traffic at once.</summary>
    BlueGreen,

    /// <summary>Shift traffic to the new revision in steps with analysis between them.</summary>
    Canary,
}

/// <summary>The recreate strategy; it has no settings.</summary>
public sealed record RecreateStrategySpec;

/// <summary>The rolling update strategy, with Kubernetes' fields, defaults and rounding.</summary>
public sealed record RollingUpdateStrategySpec
{
    /// <summary>Gets how many instances may run above the desired count during the update; a percentage rounds up.</summary>
    /// <value>The default value is 25%; a count 0 to 10000 or a percentage 0% to 100%; not 0 when <see cref="MaxUnavailable"/> is 0.</value>
    public IntOrPercent MaxSurge { get; init; } = IntOrPercent.FromPercent(SpecDefaults.MaxSurgePercent);

    /// <summary>Gets how many instances may be unavailable during the update; a percentage rounds down.</summary>
    /// <value>The default value is 25%; a count 0 to 10000 or a percentage 0% to 100%; not 0 when <see cref="MaxSurge"/> is 0.</value>
    public IntOrPercent MaxUnavailable { get; init; } = IntOrPercent.FromPercent(SpecDefaults.MaxUnavailablePercent);
}
