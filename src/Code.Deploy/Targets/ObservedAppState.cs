namespace Code.Deploy.Targets;

/// <summary>The actual state of an application's revisions on a target.</summary>
/// <param name="App">The application.</param>
/// <param name="Revisions">Every revision the target runs for the application.</param>
/// <param name="ObservedAt">When the state was read (from the target's <see cref="TimeProvider"/>).</param>
public sealed record ObservedAppState(string App, IReadOnlyList<ObservedRevision> Revisions, DateTimeOffset ObservedAt)
{
    /// <summary>Finds a revision by name.</summary>
    /// <param name="revision">The revision's name.</param>
    /// <returns>The revision, or <see langword="null"/> when the target does not run it.</returns>
    public ObservedRevision? Find(string revision) => Revisions.FirstOrDefault(r => string.Equals(r.Revision, revision, StringComparison.Ordinal));
}

/// <summary>
/// One revision as it is, with the counts of a Kubernetes ReplicaSet: <see cref="Desired"/> ≥
/// <see cref="Current"/> (instances that exist) ≥ <see cref="Ready"/> (passing readiness) ≥
/// <see cref="Available"/> (ready for at least minReadySeconds).
/// </summary>
/// <param name="Revision">The revision's name.</param>
public sealed record ObservedRevision(string Revision)
{
    /// <summary>Gets the role the revision was last applied with, or <see langword="null"/> when unknown.</summary>
    public RevisionRole? Role { get; init; }

    /// <summary>Gets the replica count last applied.</summary>
    public int Desired { get; init; }

    /// <summary>Gets the instances that exist (starting, running or stopping).</summary>
    public int Current { get; init; }

    /// <summary>Gets the instances passing their readiness probe.</summary>
    public int Ready { get; init; }

    /// <summary>Gets the instances ready for at least minReadySeconds.</summary>
    public int Available { get; init; }

    /// <summary>Gets the instances running the revision's latest definition and restart generation.</summary>
    public int Updated { get; init; }

    /// <summary>Gets the revision's health as the target judges it.</summary>
    public RevisionHealth Health { get; init; } = RevisionHealth.Unknown;

    /// <summary>Gets the problems seen on the revision's instances.</summary>
    public IReadOnlyList<RevisionFailure> Failures { get; init; } = [];

    /// <summary>Gets a value indicating whether the revision has reached its desired state: every desired instance exists, is updated and available.</summary>
    public bool IsSettled => Current == Desired && Updated == Desired && Available == Desired;
}

/// <summary>A revision's health.</summary>
public enum RevisionHealth
{
    /// <summary>Not known yet.</summary>
    Unknown,

    /// <summary>Moving towards its desired state without a problem.</summary>
    Progressing,

    /// <summary>At its desired state, every instance available.</summary>
    Healthy,

    /// <summary>A problem stops it reaching or keeping its desired state (see <see cref="ObservedRevision.Failures"/>).</summary>
    Degraded,
}

/// <summary>A problem seen on a revision's instances.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Message">What happened, as the target saw it (an exit code, a probe's answer).</param>
public sealed record RevisionFailure(RevisionFailureKind Kind, string Message)
{
    /// <summary>Gets the instance concerned (a process id and port, a pod name), or <see langword="null"/> for the revision as a whole.</summary>
    public string? Instance { get; init; }

    /// <summary>Gets when the problem was first seen, or <see langword="null"/>.</summary>
    public DateTimeOffset? Since { get; init; }
}

/// <summary>Kinds of problem on a revision's instances.</summary>
public enum RevisionFailureKind
{
    /// <summary>The instance could not start (a missing executable, an image that cannot be pulled, a port in use).</summary>
    StartFailed,

    /// <summary>The instance keeps exiting and being restarted.</summary>
    CrashLoop,

    /// <summary>The instance runs but has not become ready within the time allowed.</summary>
    NeverReady,

    /// <summary>The instance's liveness probe fails.</summary>
    LivenessFailing,

    /// <summary>The instance was ready and its readiness probe now fails.</summary>
    ReadinessFailing,

    /// <summary>Any other problem (see the message).</summary>
    Other,
}
