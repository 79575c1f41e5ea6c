using Code.Deploy.Analysis;
using Code.Deploy.Specs;

namespace Code.Deploy.Webhooks;

/// <summary>A webhook told of a rollout's events (Flagger's <c>event</c>, <c>post-rollout</c> and <c>rollback</c> notifications); it cannot stop the rollout (use a gate for that).</summary>
public sealed record WebhookSpec
{
    /// <summary>Gets the webhook's name, unique in the spec.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the URL, absolute http or https; events are POSTed as JSON.</summary>
    public string Url { get; init; } = string.Empty;

    /// <summary>Gets the events sent (names from <see cref="WebhookEventNames"/>); empty sends all.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>Gets how long one call may take.</summary>
    /// <value>The default value is 10 seconds; allowed 1 second to 10 minutes.</value>
    public TimeSpan Timeout { get; init; } = SpecDefaults.WebhookTimeout;

    /// <summary>Gets how many times a failed call is retried.</summary>
    /// <value>The default value is 2; allowed 0 to 10.</value>
    public int Retries { get; init; } = SpecDefaults.WebhookRetries;

    /// <summary>Gets the request headers.</summary>
    public IReadOnlyList<HeaderSpec> Headers { get; init; } = [];
}

/// <summary>The event names a webhook may subscribe to.</summary>
public static class WebhookEventNames
{
    /// <summary>The rollout started.</summary>
    public const string Started = "started";

    /// <summary>A canary step, or a phase of another strategy, completed.</summary>
    public const string StepCompleted = "stepCompleted";

    /// <summary>An analysis finished, whatever its outcome.</summary>
    public const string AnalysisCompleted = "analysisCompleted";

    /// <summary>The rollout paused (a pause step, an inconclusive analysis, a pending gate).</summary>
    public const string Paused = "paused";

    /// <summary>The new revision was promoted to stable.</summary>
    public const string Promoted = "promoted";

    /// <summary>The rollout was aborted and traffic went back to stable.</summary>
    public const string Aborted = "aborted";

    /// <summary>The rollout completed.</summary>
    public const string Completed = "completed";

    /// <summary>Gets every event name.</summary>
    public static IReadOnlyList<string> All { get; } = [Started, StepCompleted, AnalysisCompleted, Paused, Promoted, Aborted, Completed];
}
