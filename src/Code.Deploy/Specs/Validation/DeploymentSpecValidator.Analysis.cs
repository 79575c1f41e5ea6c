using Code.Deploy.Analysis;

namespace Code.Deploy.Specs.Validation;

/// <summary>Checks of the analysis templates.</summary>
internal sealed partial class DeploymentSpecValidator
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    private Dictionary<string, AnalysisTemplateSpec> CheckAnalysisTemplates(AnalysisSpec? analysis, Errors e)
    {
        var byName = new Dictionary<string, AnalysisTemplateSpec>(StringComparer.Ordinal);
        if (analysis is null)
        {
            return byName;
        }

        e.Count("analysis.templates", analysis.Templates.Count, SpecLimits.MaxListItems);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < analysis.Templates.Count; t++)
        {
            var template = analysis.Templates[t];
            var path = $"analysis.templates[{t}]";
            e.Name(path + ".name", template.Name, names);
            byName.TryAdd(template.Name ?? string.Empty, template);
            if (template.Metrics.Count == 0)
            {
                e.Add(path + ".metrics", "needs at least one metric");
            }

            e.Count(path + ".metrics", template.Metrics.Count, SpecLimits.MaxListItems);
            var metricNames = new HashSet<string>(StringComparer.Ordinal);
            for (var m = 0; m < template.Metrics.Count; m++)
            {
                CheckMetric(template.Metrics[m], $"{path}.metrics[{m}]", metricNames, e);
            }
        }

        return byName;
    }

    private void CheckMetric(MetricSpec metric, string path, HashSet<string> names, Errors e)
    {
        e.Name(path + ".name", metric.Name, names);
        e.Duration(path + ".interval", metric.Interval, TimeSpan.FromSeconds(1), SpecLimits.MaxDuration);
        e.Duration(path + ".initialDelay", metric.InitialDelay, TimeSpan.Zero, SpecLimits.MaxDuration);
        if (metric.Count is { } count)
        {
            e.Range(path + ".count", count, 1, 10000);
            if (count > 1 && metric.Interval is null)
            {
                e.Add(path + ".interval", $"is required when count is more than 1 (count is {count})");
            }
        }

        e.Range(path + ".failureLimit", metric.FailureLimit, 0, 10000);
        e.Range(path + ".inconclusiveLimit", metric.InconclusiveLimit, 0, 10000);
        e.Range(path + ".consecutiveErrorLimit", metric.ConsecutiveErrorLimit, 0, 10000);
        CheckCondition(path + ".successCondition", metric.SuccessCondition, e);
        CheckCondition(path + ".failureCondition", metric.FailureCondition, e);
        CheckProvider(metric, path, e);
    }

    private static void CheckCondition(string path, string? condition, Errors e)
    {
        if (condition is not null && !AnalysisCondition.TryParse(condition, out _, out var error))
        {
            e.Add(path, error!.ToString());
        }
    }

    private void CheckProvider(MetricSpec metric, string path, Errors e)
    {
        var provider = metric.Provider;
        path += ".provider";
        if (provider?.Kind is not { } kind)
        {
            e.Add(path, "must set exactly one of prometheus, web, judge, inProcess, plugin");
            return;
        }

        if (provider.Prometheus is { } prometheus)
        {
            e.Url(path + ".prometheus.address", prometheus.Address);
            if (string.IsNullOrWhiteSpace(prometheus.Query))
            {
                e.Add(path + ".prometheus.query", "is required");
            }

            e.Duration(path + ".prometheus.timeout", prometheus.Timeout, MinTimeout, MaxTimeout);
        }

        if (provider.Web is { } web)
        {
            e.Url(path + ".web.url", web.Url);
            e.Headers(path + ".web.headers", web.Headers);
            if (web.JsonPath is { } jsonPath && (jsonPath.Length == 0 || jsonPath[0] != '$'))
            {
                e.Add(path + ".web.jsonPath", $"must start with '$', got '{jsonPath}'");
            }

            e.Duration(path + ".web.timeout", web.Timeout, MinTimeout, MaxTimeout);
        }

        if (provider.Judge is { } judge)
        {
            if (judge.Metrics.Count == 0)
            {
                e.Add(path + ".judge.metrics", "needs at least one metric");
            }

            e.Count(path + ".judge.metrics", judge.Metrics.Count, SpecLimits.MaxListItems);
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < judge.Metrics.Count; i++)
            {
                var judged = judge.Metrics[i];
                e.Name($"{path}.judge.metrics[{i}].name", judged.Name, names);
                if (!(judged.Tolerance >= 0 && judged.Tolerance <= 10))
                {
                    e.Add($"{path}.judge.metrics[{i}].tolerance", $"must be 0..10, got {judged.Tolerance}");
                }
            }
        }

        if (provider.InProcess is { } inProcess && string.IsNullOrWhiteSpace(inProcess.Name))
        {
            e.Add(path + ".inProcess.name", "is required");
        }

        var metricPath = path[..^".provider".Length];
        if (providers.TryGetValue(kind, out var registered))
        {
            e.AddRelative(metricPath, registered.Validate(metric));
        }
        else if (provider.Plugin is not null)
        {
            e.Add(path + ".plugin.name", AnalysisProviderNames.All.Contains(kind)
                ? $"'{kind}' is a built-in provider: write provider.{kind} instead of a plugin"
                : Unregistered("analysis provider", kind, providers.Keys));
        }
    }
}
