using System.Text.RegularExpressions;
using Code.Deploy.Analysis;
using Code.Deploy.Gates;
using Code.Deploy.Strategies;
using Code.Deploy.Webhooks;

namespace Code.Deploy.Specs.Validation;

/// <summary>
/// Checks a spec field by field and across fields; every problem is collected with its path. Plugins,
/// providers and gates named by the spec are looked up among those registered, and asked to check their own
/// configuration.
/// </summary>
internal sealed partial class DeploymentSpecValidator(
    IEnumerable<ICanaryStepPlugin> stepPlugins,
    IEnumerable<IAnalysisProvider> providers,
    IEnumerable<IDeploymentGate> gates) : IDeploymentSpecValidator
{
    private readonly Dictionary<string, ICanaryStepPlugin> stepPlugins = ByName(stepPlugins, p => p.Name);
    private readonly Dictionary<string, IAnalysisProvider> providers = ByName(providers, p => p.Name);
    private readonly Dictionary<string, IDeploymentGate> gates = ByName(gates, g => g.Kind);

    public DeploymentSpecValidator()
        : this([], [], [])
    {
    }

    public IReadOnlyList<SpecError> Validate(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Errors();
        Check(spec, errors);
        return errors.List;
    }

    private void Check(DeploymentSpec spec, Errors e)
    {
        if (string.IsNullOrEmpty(spec.App))
        {
            e.Add("app", "is required");
        }
        else if (!AppName().IsMatch(spec.App))
        {
            e.Add("app", $"'{spec.App}' must be 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
        }

        CheckRevision(spec.Revision, e);
        e.Range("replicas", spec.Replicas, 0, SpecLimits.MaxReplicas);
        e.Range("progressDeadlineSeconds", spec.ProgressDeadlineSeconds, 1, 86400);
        e.Range("minReadySeconds", spec.MinReadySeconds, 0, 3600);
        if (spec.ProgressDeadlineSeconds <= spec.MinReadySeconds && spec.ProgressDeadlineSeconds >= 1)
        {
            e.Add("progressDeadlineSeconds", $"must be greater than minReadySeconds ({spec.MinReadySeconds}), got {spec.ProgressDeadlineSeconds}");
        }

        e.Range("revisionHistoryLimit", spec.RevisionHistoryLimit, 0, 100);
        if (spec.Probes is { } probes)
        {
            CheckProbe("probes.readiness", probes.Readiness, liveness: false, e);
            CheckProbe("probes.liveness", probes.Liveness, liveness: true, e);
        }

        var templates = CheckAnalysisTemplates(spec.Analysis, e);
        CheckStrategy(spec, templates, e);
        CheckGates(spec, e);
        CheckWebhooks(spec.Webhooks, e);
    }

    private static void CheckRevision(RevisionSpec? revision, Errors e)
    {
        if (revision is null)
        {
            e.Add("revision", "is required");
            return;
        }

        if (string.IsNullOrEmpty(revision.Name))
        {
            e.Add("revision.name", "is required");
        }
        else if (!RevisionName().IsMatch(revision.Name))
        {
            e.Add("revision.name", $"'{revision.Name}' must be 1 to 63 letters, digits, '.', '_' and '-', starting with a letter or digit");
        }

        if (revision.Image is null && revision.Command.Count == 0)
        {
            e.Add("revision", "needs a command (an executable to run) or an image (a container)");
        }

        if (revision.Image is { Length: 0 })
        {
            e.Add("revision.image", "must not be empty");
        }

        e.Count("revision.command", revision.Command.Count, SpecLimits.MaxListItems);
        for (var i = 0; i < revision.Command.Count; i++)
        {
            if (string.IsNullOrEmpty(revision.Command[i]) && i == 0)
            {
                e.Add("revision.command[0]", "the executable must not be empty");
            }
        }

        e.Count("revision.args", revision.Args.Count, SpecLimits.MaxListItems);
        e.Count("revision.env", revision.Env.Count, SpecLimits.MaxListItems);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < revision.Env.Count; i++)
        {
            var path = $"revision.env[{i}].name";
            var name = revision.Env[i].Name;
            if (!EnvName().IsMatch(name))
            {
                e.Add(path, $"'{name}' must be letters, digits, '_', '-' and '.', not starting with a digit");
            }
            else if (!names.Add(name))
            {
                e.Add(path, $"'{name}' is set more than once");
            }
        }

        if (revision.WorkingDir is { Length: 0 })
        {
            e.Add("revision.workingDir", "must not be empty");
        }
    }

    private static void CheckProbe(string path, ProbeSpec? probe, bool liveness, Errors e)
    {
        if (probe is null)
        {
            return;
        }

        var get = probe.HttpGet;
        if (get is null)
        {
            e.Add(path + ".httpGet", "is required");
        }
        else
        {
            if (string.IsNullOrEmpty(get.Path) || get.Path[0] != '/' || get.Path.Any(char.IsControl))
            {
                e.Add(path + ".httpGet.path", $"must start with '/', got '{get.Path}'");
            }

            if (get.Port is { } port)
            {
                e.Range(path + ".httpGet.port", port, 1, 65535);
            }

            if (get.Scheme is not ("HTTP" or "HTTPS"))
            {
                e.Add(path + ".httpGet.scheme", $"must be HTTP or HTTPS, got '{get.Scheme}'");
            }
        }

        e.Range(path + ".initialDelaySeconds", probe.InitialDelaySeconds, 0, 3600);
        e.Range(path + ".periodSeconds", probe.PeriodSeconds, 1, 3600);
        e.Range(path + ".timeoutSeconds", probe.TimeoutSeconds, 1, 3600);
        e.Range(path + ".successThreshold", probe.SuccessThreshold, 1, 100);
        e.Range(path + ".failureThreshold", probe.FailureThreshold, 1, 100);
        if (liveness && probe.SuccessThreshold != 1)
        {
            e.Add(path + ".successThreshold", $"must be 1 for a liveness probe, got {probe.SuccessThreshold}");
        }
    }

    private void CheckGates(DeploymentSpec spec, Errors e)
    {
        e.Count("gates", spec.Gates.Count, SpecLimits.MaxListItems);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var steps = spec.Strategy?.Canary?.Steps.Count;
        for (var i = 0; i < spec.Gates.Count; i++)
        {
            var gate = spec.Gates[i];
            var path = $"gates[{i}]";
            e.Name(path + ".name", gate.Name, names);
            if (gate.Kind is not { } kind)
            {
                e.Add(path, "must set exactly one of manual, webhook, experts, plugin");
                continue;
            }

            if (gate.At != GatePoint.BeforeStep && gate.Steps.Count > 0)
            {
                e.Add(path + ".steps", "is only allowed with at: beforeStep");
            }

            if (gate.At == GatePoint.BeforeStep)
            {
                if (steps is null)
                {
                    e.Add(path + ".at", "beforeStep needs the canary strategy");
                }
                else
                {
                    for (var s = 0; s < gate.Steps.Count; s++)
                    {
                        e.Range($"{path}.steps[{s}]", gate.Steps[s], 0, steps.Value - 1, "a step index");
                    }
                }
            }

            if (gate.Webhook is { } webhook)
            {
                e.Url(path + ".webhook.url", webhook.Url);
                e.Duration(path + ".webhook.timeout", webhook.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
                e.Range(path + ".webhook.retries", webhook.Retries, 0, 10);
                e.Headers(path + ".webhook.headers", webhook.Headers);
            }

            if (gate.Experts is { } experts)
            {
                if (!(experts.MinConfidence >= 0 && experts.MinConfidence <= 1))
                {
                    e.Add(path + ".experts.minConfidence", $"must be 0..1, got {experts.MinConfidence}");
                }

                if (experts.OnNoConsensus == GateStatus.Open)
                {
                    e.Add(path + ".experts.onNoConsensus", "must be pending or closed (opening a gate without consensus is not safe)");
                }

                e.Length(path + ".experts.question", experts.Question);
            }

            if (gates.TryGetValue(kind, out var checker))
            {
                e.AddRelative(path, checker.Validate(gate));
            }
            else if (gate.Plugin is not null)
            {
                e.Add(path + ".plugin.name", GateKindNames.All.Contains(kind)
                    ? $"'{kind}' is a built-in gate: write {kind} instead of a plugin"
                    : Unregistered("gate", kind, gates.Keys));
            }
        }
    }

    private static void CheckWebhooks(IReadOnlyList<WebhookSpec> webhooks, Errors e)
    {
        e.Count("webhooks", webhooks.Count, SpecLimits.MaxListItems);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < webhooks.Count; i++)
        {
            var webhook = webhooks[i];
            var path = $"webhooks[{i}]";
            e.Name(path + ".name", webhook.Name, names);
            e.Url(path + ".url", webhook.Url);
            e.Duration(path + ".timeout", webhook.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
            e.Range(path + ".retries", webhook.Retries, 0, 10);
            e.Headers(path + ".headers", webhook.Headers);
            for (var j = 0; j < webhook.Events.Count; j++)
            {
                if (!WebhookEventNames.All.Contains(webhook.Events[j]))
                {
                    e.Add($"{path}.events[{j}]", Unknown("event", webhook.Events[j], WebhookEventNames.All));
                }
            }
        }
    }

    private static string Unregistered(string what, string name, IEnumerable<string> registered)
    {
        var list = registered.ToList();
        return $"no {what} named '{name}' is registered ("
            + (list.Count == 0 ? "none is" : "registered: " + string.Join(", ", list))
            + (Reading.Suggestions.Closest(name, list) is { } close ? $"; did you mean '{close}'?" : string.Empty) + ")";
    }

    private static string Unknown(string what, string name, IEnumerable<string> known) =>
        $"'{name}' is not a known {what} (known: {string.Join(", ", known)})"
        + (Reading.Suggestions.Closest(name, known) is { } close ? $"; did you mean '{close}'?" : string.Empty);

    private static Dictionary<string, T> ByName<T>(IEnumerable<T> items, Func<T, string> name)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            map.TryAdd(name(item), item);
        }

        return map;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex AppName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex RevisionName();

    [GeneratedRegex("^[A-Za-z_.-][A-Za-z0-9_.-]{0,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();
}
