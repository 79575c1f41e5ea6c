using Code.Deploy.Specs;

namespace Code.Deploy.Targets;

/// <summary>The state an application's revisions should reach on a target.</summary>
/// <param name="App">The application.</param>
/// <param name="Revisions">The revisions to reconcile, with unique names.</param>
public sealed record DesiredAppState(string App, IReadOnlyList<DesiredRevision> Revisions);

/// <summary>One revision as it should be.</summary>
/// <param name="Revision">What runs: the revision's definition (its <see cref="RevisionSpec.Name"/> identifies it).</param>
/// <param name="Replicas">How many instances should run, 0 or more.</param>
/// <param name="Role">What the revision is for in the rollout.</param>
public sealed record DesiredRevision(RevisionSpec Revision, int Replicas, RevisionRole Role)
{
    /// <summary>Gets the probes each instance runs, or <see langword="null"/> for none.</summary>
    public ProbesSpec? Probes { get; init; }

    /// <summary>Gets the seconds an instance must be ready before it counts as available.</summary>
    public int MinReadySeconds { get; init; }

    /// <summary>
    /// Gets a token that, when it changes, asks the target to replace every instance of the revision (a restart);
    /// instances started under the current token count as <see cref="ObservedRevision.Updated"/>.
    /// </summary>
    /// <value>The default value is 0.</value>
    public long RestartGeneration { get; init; }
}

/// <summary>What a revision is for in a rollout.</summary>
public enum RevisionRole
{
    /// <summary>The revision that serves users (the previous release, or the new one once promoted).</summary>
    Stable,

    /// <summary>The new revision of a canary rollout.</summary>
    Canary,

    /// <summary>The new revision of a blue-green rollout before the switch (reached through the preview route).</summary>
    Preview,

    /// <summary>The revision behind a blue-green rollout's active route.</summary>
    Active,

    /// <summary>A revision on its way out (kept for the scale-down delay or for undo).</summary>
    Retired,
}
