using Code.Deploy.Specs;

namespace Code.Deploy.Gates;

/// <summary>
/// Checks one kind of gate (<see cref="GateSpec.Kind"/>). The engine asks again while the gate is
/// <see cref="GateStatus.Pending"/>, so a check must be safe to repeat. Implementations: manual, webhook
/// and experts gates (built with the engine) and any the host registers.
/// </summary>
public interface IDeploymentGate
{
    /// <summary>Gets the gate kind this checks: <c>manual</c>, <c>webhook</c>, <c>experts</c> or a plugin's name.</summary>
    string Kind { get; }

    /// <summary>Checks a gate's configuration when a spec is validated.</summary>
    /// <param name="gate">The gate.</param>
    /// <returns>The problems, with paths relative to the gate (for example <c>plugin.config.url</c>); empty when valid.</returns>
    IReadOnlyList<SpecError> Validate(GateSpec gate);

    /// <summary>Checks the gate.</summary>
    /// <param name="context">The rollout and the point at which the gate is checked.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>Open, closed or pending, with the reason.</returns>
    ValueTask<GateDecision> CheckAsync(GateContext context, CancellationToken cancellationToken);
}

/// <summary>A gate's status.</summary>
public enum GateStatus
{
    /// <summary>The rollout may go on.</summary>
    Open,

    /// <summary>The rollout must not go on: it is aborted.</summary>
    Closed,

    /// <summary>Not decided yet: the rollout waits and the gate is checked again.</summary>
    Pending,
}

/// <summary>The answer of a gate.</summary>
/// <param name="Status">Open, closed or pending.</param>
/// <param name="Reason">Why, in a sentence recorded in the rollout's history.</param>
public sealed record GateDecision(GateStatus Status, string Reason)
{
    /// <summary>Gets when to check a pending gate again, or <see langword="null"/> for the engine's default.</summary>
    public TimeSpan? RecheckAfter { get; init; }
}

/// <summary>What a gate is asked about.</summary>
public sealed record GateContext
{
    /// <summary>Gets the application.</summary>
    public required string App { get; init; }

    /// <summary>Gets the rollout's id.</summary>
    public required string RolloutId { get; init; }

    /// <summary>Gets the gate being checked.</summary>
    public required GateSpec Gate { get; init; }

    /// <summary>Gets where the gate is checked.</summary>
    public required GatePoint Point { get; init; }

    /// <summary>Gets the canary step about to run, for <see cref="GatePoint.BeforeStep"/>; otherwise <see langword="null"/>.</summary>
    public int? StepIndex { get; init; }

    /// <summary>Gets the revision that runs now, or <see langword="null"/> for a first deployment.</summary>
    public string? StableRevision { get; init; }

    /// <summary>Gets the revision being rolled out.</summary>
    public required string NewRevision { get; init; }

    /// <summary>Gets how many times this gate was checked before at this point (0 on the first check).</summary>
    public int Attempt { get; init; }

    /// <summary>Gets what is known so far, in sentences (analysis results, the risk model's prediction), for gates that weigh evidence.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];
}
