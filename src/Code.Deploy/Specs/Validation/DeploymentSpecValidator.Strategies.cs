using System.Text.RegularExpressions;
using Code.Deploy.Analysis;
using Code.Deploy.Strategies;

namespace Code.Deploy.Specs.Validation;

/// <summary>Checks of the strategies.</summary>
internal sealed partial class DeploymentSpecValidator
{
    private void CheckStrategy(DeploymentSpec spec, Dictionary<string, AnalysisTemplateSpec> templates, Errors e)
    {
        if (spec.Strategy is not { } strategy)
        {
            return;
        }

        if (strategy.Kind is null)
        {
            e.Add("strategy", "must set exactly one of recreate, rollingUpdate, blueGreen, canary");
            return;
        }

        if (strategy.RollingUpdate is { } rolling)
        {
            CheckSurge("strategy.rollingUpdate", rolling.MaxSurge, rolling.MaxUnavailable, e);
        }

        if (strategy.BlueGreen is { } blueGreen)
        {
            const string path = "strategy.blueGreen";
            if (blueGreen.PreviewReplicaCount is { } preview)
            {
                e.Range(path + ".previewReplicaCount", preview, 1, Math.Max(1, spec.Replicas));
            }

            if (blueGreen.AutoPromotionSeconds is { } seconds)
            {
                e.Range(path + ".autoPromotionSeconds", seconds, 1, 2_592_000);
                if (!blueGreen.AutoPromotionEnabled)
                {
                    e.Add(path + ".autoPromotionSeconds", "has no effect when autoPromotionEnabled is false (the rollout waits to be promoted)");
                }
            }

            e.Range(path + ".scaleDownDelaySeconds", blueGreen.ScaleDownDelaySeconds, 0, 86400);
            e.Range(path + ".abortScaleDownDelaySeconds", blueGreen.AbortScaleDownDelaySeconds, 0, 86400);
            CheckReferences(path + ".prePromotionAnalysis", blueGreen.PrePromotionAnalysis?.Templates, templates, background: false, e);
            CheckReferences(path + ".postPromotionAnalysis", blueGreen.PostPromotionAnalysis?.Templates, templates, background: false, e);
        }

        if (strategy.Canary is { } canary)
        {
            CheckCanary(canary, templates, e);
        }
    }

    private void CheckCanary(CanaryStrategySpec canary, Dictionary<string, AnalysisTemplateSpec> templates, Errors e)
    {
        const string path = "strategy.canary";
        CheckSurge(path, canary.MaxSurge, canary.MaxUnavailable, e);
        e.Range(path + ".scaleDownDelaySeconds", canary.ScaleDownDelaySeconds, 0, 86400);
        e.Range(path + ".abortScaleDownDelaySeconds", canary.AbortScaleDownDelaySeconds, 0, 86400);
        e.Count(path + ".steps", canary.Steps.Count, SpecLimits.MaxListItems);
        if (canary.Analysis is { } background)
        {
            CheckReferences(path + ".analysis", background.Templates, templates, background: true, e);
            if (background.StartingStep < 0 || (canary.Steps.Count > 0 && background.StartingStep >= canary.Steps.Count) || (canary.Steps.Count == 0 && background.StartingStep != 0))
            {
                e.Add(path + ".analysis.startingStep", $"must be a step index 0..{Math.Max(0, canary.Steps.Count - 1)}, got {background.StartingStep}");
            }
        }

        var routes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < canary.Steps.Count; i++)
        {
            var step = canary.Steps[i];
            var stepPath = $"{path}.steps[{i}]";
            if (step is null || step.Kind is null)
            {
                e.Add(stepPath, "must set exactly one of setWeight, pause, analysis, setCanaryScale, setHeaderRoute, plugin");
                continue;
            }

            if (step.SetWeight is { } weight)
            {
                e.Range(stepPath + ".setWeight", weight, 0, 100);
            }

            if (step.Pause is { Duration: { } duration })
            {
                e.Duration(stepPath + ".pause.duration", duration, TimeSpan.Zero, SpecLimits.MaxDuration);
            }

            if (step.Analysis is { } analysis)
            {
                CheckReferences(stepPath + ".analysis", analysis.Templates, templates, background: false, e);
            }

            if (step.SetCanaryScale is { } scale)
            {
                var set = (scale.Replicas is null ? 0 : 1) + (scale.Weight is null ? 0 : 1) + (scale.MatchTrafficWeight ? 1 : 0);
                if (set != 1)
                {
                    e.Add(stepPath + ".setCanaryScale", "must set exactly one of replicas, weight, matchTrafficWeight: true");
                }

                if (scale.Replicas is { } replicas)
                {
                    e.Range(stepPath + ".setCanaryScale.replicas", replicas, 0, SpecLimits.MaxReplicas);
                }

                if (scale.Weight is { } scaleWeight)
                {
                    e.Range(stepPath + ".setCanaryScale.weight", scaleWeight, 0, 100);
                }
            }

            if (step.SetHeaderRoute is { } route)
            {
                CheckHeaderRoute(stepPath + ".setHeaderRoute", route, routes, e);
            }

            if (step.Plugin is { } plugin)
            {
                if (string.IsNullOrWhiteSpace(plugin.Name))
                {
                    e.Add(stepPath + ".plugin.name", "is required");
                }
                else if (stepPlugins.TryGetValue(plugin.Name, out var registered))
                {
                    e.AddRelative(stepPath + ".plugin.config", registered.Validate(plugin.Config));
                }
                else
                {
                    e.Add(stepPath + ".plugin.name", Unregistered("step plugin", plugin.Name, stepPlugins.Keys));
                }
            }
        }
    }

    private static void CheckHeaderRoute(string path, SetHeaderRouteStep route, HashSet<string> added, Errors e)
    {
        if (string.IsNullOrWhiteSpace(route.Name))
        {
            e.Add(path + ".name", "is required");
            return;
        }

        if (route.Match.Count == 0)
        {
            if (!added.Contains(route.Name))
            {
                e.Add(path + ".match", $"is empty, which removes the route '{route.Name}', but no earlier step adds it");
            }

            return;
        }

        added.Add(route.Name);
        e.Count(path + ".match", route.Match.Count, SpecLimits.MaxListItems);
        for (var i = 0; i < route.Match.Count; i++)
        {
            var match = route.Match[i];
            var matchPath = $"{path}.match[{i}]";
            if (!Errors.IsToken(match.HeaderName))
            {
                e.Add(matchPath + ".headerName", $"'{match.HeaderName}' is not a valid HTTP header name");
            }

            var value = match.HeaderValue ?? new Traffic.StringMatch();
            var set = (value.Exact is null ? 0 : 1) + (value.Prefix is null ? 0 : 1) + (value.Regex is null ? 0 : 1);
            if (set != 1)
            {
                e.Add(matchPath + ".headerValue", "must set exactly one of exact, prefix, regex");
            }

            if (value.Regex is { } regex)
            {
                CheckRegex(matchPath + ".headerValue.regex", regex, e);
            }
        }
    }

    private static void CheckRegex(string path, string pattern, Errors e)
    {
        if (pattern.Length > 1024)
        {
            e.Add(path, $"is {pattern.Length} characters long, more than the limit of 1024");
            return;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException ex)
        {
            e.Add(path, "is not a valid regular expression: " + ex.Message);
        }
    }

    private static void CheckSurge(string path, IntOrPercent surge, IntOrPercent unavailable, Errors e)
    {
        CheckIntOrPercent(path + ".maxSurge", surge, e);
        CheckIntOrPercent(path + ".maxUnavailable", unavailable, e);
        if (surge.Value == 0 && unavailable.Value == 0)
        {
            e.Add(path + ".maxUnavailable", "must not be 0 when maxSurge is 0 (the update could never make progress)");
        }
    }

    private static void CheckIntOrPercent(string path, IntOrPercent value, Errors e)
    {
        if (value.IsPercent)
        {
            if (value.Value is < 0 or > 100)
            {
                e.Add(path, $"must be 0%..100%, got {value}");
            }
        }
        else
        {
            e.Range(path, value.Value, 0, SpecLimits.MaxReplicas);
        }
    }

    private static void CheckReferences(string path, IReadOnlyList<AnalysisTemplateReference>? references, Dictionary<string, AnalysisTemplateSpec> templates, bool background, Errors e)
    {
        if (references is null)
        {
            return;
        }

        if (references.Count == 0)
        {
            e.Add(path + ".templates", "needs at least one template");
        }

        for (var i = 0; i < references.Count; i++)
        {
            var refPath = $"{path}.templates[{i}].templateName";
            var name = references[i].TemplateName;
            if (string.IsNullOrEmpty(name))
            {
                e.Add(refPath, "is required");
                continue;
            }

            if (!templates.TryGetValue(name, out var template))
            {
                e.Add(refPath, templates.Count == 0
                    ? $"'{name}' is not defined: analysis.templates is empty"
                    : Unknown("analysis template", name, templates.Keys));
                continue;
            }

            if (!background)
            {
                foreach (var metric in template.Metrics.Where(m => m.Interval is not null && m.Count is null))
                {
                    e.Add(refPath, $"template '{name}' metric '{metric.Name}' has an interval and no count, so it would never end here; set count (unlimited measurements are for background analysis only)");
                }
            }
        }
    }
}
