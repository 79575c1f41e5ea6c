using System.Text.Json;
using Code.Deploy.Specs;

namespace Code.Deploy.Strategies;

/// <summary>
/// A custom canary step (Argo Rollouts' step plugin), used by a <c>plugin</c> step that names it. The engine
/// calls <see cref="RunAsync"/> until it answers <see cref="StepPluginStatus.Continue"/> or
/// <see cref="StepPluginStatus.Fail"/>, passing back the state the last call returned; after a crash it calls
/// again with the last recorded state, so a run must be idempotent (check, then act). When the rollout is
/// aborted while the step ran or after it, <see cref="AbortAsync"/> undoes its effects.
/// </summary>
public interface ICanaryStepPlugin
{
    /// <summary>Gets the name a <c>plugin</c> step uses (for example <c>acme/smoke-test</c>).</summary>
    string Name { get; }

    /// <summary>Checks a step's configuration when a spec is validated.</summary>
    /// <param name="config">The step's <see cref="PluginSpec.Config"/>, or <see langword="null"/>.</param>
    /// <returns>The problems, with paths relative to the configuration (for example <c>url</c>); empty when valid.</returns>
    IReadOnlyList<SpecError> Validate(JsonElement? config);

    /// <summary>Runs or continues the step.</summary>
    /// <param name="context">The rollout, the step's configuration and the state of the previous call.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>Continue, wait (call again later) or fail, with a reason and the state to pass to the next call.</returns>
    ValueTask<StepPluginResult> RunAsync(StepPluginContext context, CancellationToken cancellationToken);

    /// <summary>Undoes the step's effects after an abort. Called at most once per run, and safe to repeat after a crash.</summary>
    /// <param name="context">The rollout, the step's configuration and the last recorded state.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>A task that completes when the effects are undone.</returns>
    ValueTask AbortAsync(StepPluginContext context, CancellationToken cancellationToken);
}

/// <summary>What a step plugin runs for.</summary>
public sealed record StepPluginContext
{
    /// <summary>Gets the application.</summary>
    public required string App { get; init; }

    /// <summary>Gets the rollout's id.</summary>
    public required string RolloutId { get; init; }

    /// <summary>Gets the index of the step in <see cref="CanaryStrategySpec.Steps"/>.</summary>
    public required int StepIndex { get; init; }

    /// <summary>Gets the stable revision, or <see langword="null"/> for a first deployment.</summary>
    public string? StableRevision { get; init; }

    /// <summary>Gets the canary revision.</summary>
    public required string CanaryRevision { get; init; }

    /// <summary>Gets the step's configuration.</summary>
    public JsonElement? Config { get; init; }

    /// <summary>Gets the state the previous call returned, or <see langword="null"/> on the first call.</summary>
    public JsonElement? State { get; init; }

    /// <summary>Gets when the step started (the first call).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets how many calls were made before this one (0 on the first).</summary>
    public int Attempt { get; init; }
}

/// <summary>What a step plugin's call decided.</summary>
public enum StepPluginStatus
{
    /// <summary>The step is done: go to the next step.</summary>
    Continue,

    /// <summary>Not done yet: call again after <see cref="StepPluginResult.RetryAfter"/>.</summary>
    Wait,

    /// <summary>The step failed: abort the rollout.</summary>
    Fail,
}

/// <summary>The answer of a step plugin's call.</summary>
/// <param name="Status">Continue, wait or fail.</param>
/// <param name="Reason">Why, in a sentence recorded in the rollout's history.</param>
public sealed record StepPluginResult(StepPluginStatus Status, string Reason)
{
    /// <summary>Gets, for <see cref="StepPluginStatus.Wait"/>, when to call again, or <see langword="null"/> for the engine's default.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the state to record and pass to the next call, or <see langword="null"/>.</summary>
    public JsonElement? State { get; init; }
}
