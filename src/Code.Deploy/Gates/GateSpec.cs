using System.Text.Json.Serialization;
using Code.Deploy.Analysis;
using Code.Deploy.Specs;

namespace Code.Deploy.Gates;

/// <summary>
/// A gate: a check that must be open before the rollout starts, before canary steps, or before promotion.
/// Exactly one of <see cref="Manual"/>, <see cref="Webhook"/>, <see cref="Experts"/> and <see cref="Plugin"/> is set.
/// Flagger's webhook kinds map to <see cref="At"/>: <c>confirm-rollout</c> and <c>pre-rollout</c> to
/// <see cref="GatePoint.BeforeRollout"/>, <c>confirm-traffic-increase</c> to <see cref="GatePoint.BeforeStep"/>,
/// <c>confirm-promotion</c> to <see cref="GatePoint.BeforePromotion"/>.
/// </summary>
public sealed record GateSpec
{
    /// <summary>Gets the gate's name, unique in the spec.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets where the gate is checked.</summary>
    /// <value>The default value is <see cref="GatePoint.BeforePromotion"/>.</value>
    public GatePoint At { get; init; } = GatePoint.BeforePromotion;

    /// <summary>Gets, for <see cref="GatePoint.BeforeStep"/>, the indexes of the canary steps the gate guards; empty guards every <c>setWeight</c> step.</summary>
    public IReadOnlyList<int> Steps { get; init; } = [];

    /// <summary>Gets a manual gate: pending until a person or an agent approves (promotes).</summary>
    public ManualGateSpec? Manual { get; init; }

    /// <summary>Gets a webhook gate: an HTTP call whose answer opens or closes the gate.</summary>
    public WebhookGateSpec? Webhook { get; init; }

    /// <summary>Gets an experts gate: a consultation of the circle of experts.</summary>
    public ExpertsGateSpec? Experts { get; init; }

    /// <summary>Gets a gate the host registered under a name.</summary>
    public PluginSpec? Plugin { get; init; }

    /// <summary>
    /// Gets the name of the <see cref="IDeploymentGate"/> that checks this gate: <c>manual</c>, <c>webhook</c>,
    /// <c>experts</c> or the plugin's name; <see langword="null"/> when none or several are set (which is invalid).
    /// </summary>
    [JsonIgnore]
    public string? Kind
    {
        get
        {
            string? kind = null;
            var count = 0;
            if (Manual is not null) { kind = GateKindNames.Manual; count++; }
            if (Webhook is not null) { kind = GateKindNames.Webhook; count++; }
            if (Experts is not null) { kind = GateKindNames.Experts; count++; }
            if (Plugin is not null) { kind = Plugin.Name; count++; }
            return count == 1 ? kind : null;
        }
    }
}

/// <summary>Where a gate is checked.</summary>
public enum GatePoint
{
    /// <summary>Before the new revision is started.</summary>
    BeforeRollout,

    /// <summary>Before canary steps (by default every <c>setWeight</c> step).</summary>
    BeforeStep,

    /// <summary>Before the new revision is promoted to stable (blue-green's switch, the canary's full promotion).</summary>
    BeforePromotion,
}

/// <summary>The names of the built-in gate kinds (each an <see cref="IDeploymentGate.Kind"/>).</summary>
public static class GateKindNames
{
    /// <summary>Approval by a person or an agent.</summary>
    public const string Manual = "manual";

    /// <summary>An HTTP call.</summary>
    public const string Webhook = "webhook";

    /// <summary>A consultation of the circle of experts.</summary>
    public const string Experts = "experts";

    /// <summary>Gets every built-in kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Manual, Webhook, Experts];
}

/// <summary>A manual gate; it has no settings.</summary>
public sealed record ManualGateSpec;

/// <summary>A webhook gate (Flagger's confirm webhooks): the gate is open when the call answers 2xx.</summary>
public sealed record WebhookGateSpec
{
    /// <summary>Gets the URL, absolute http or https.</summary>
    public string Url { get; init; } = string.Empty;

    /// <summary>Gets how long one call may take.</summary>
    /// <value>The default value is 10 seconds; allowed 1 second to 10 minutes.</value>
    public TimeSpan Timeout { get; init; } = SpecDefaults.WebhookTimeout;

    /// <summary>Gets how many times a failed call is retried.</summary>
    /// <value>The default value is 2; allowed 0 to 10.</value>
    public int Retries { get; init; } = SpecDefaults.WebhookRetries;

    /// <summary>Gets the request headers.</summary>
    public IReadOnlyList<HeaderSpec> Headers { get; init; } = [];
}

/// <summary>An experts gate: the circle of experts is asked whether to proceed, with the analysis results and the risk model's prediction as evidence.</summary>
public sealed record ExpertsGateSpec
{
    /// <summary>Gets extra context for the question, or <see langword="null"/>.</summary>
    public string? Question { get; init; }

    /// <summary>Gets the confidence (0 to 1) an answer to proceed needs to open the gate.</summary>
    /// <value>The default value is 0.7.</value>
    public double MinConfidence { get; init; } = SpecDefaults.ExpertsMinConfidence;

    /// <summary>Gets the gate's status when the experts reach no consensus or too little confidence: <see cref="GateStatus.Pending"/> (wait for a person) or <see cref="GateStatus.Closed"/> (abort).</summary>
    /// <value>The default value is <see cref="GateStatus.Pending"/>.</value>
    public GateStatus OnNoConsensus { get; init; } = GateStatus.Pending;
}
