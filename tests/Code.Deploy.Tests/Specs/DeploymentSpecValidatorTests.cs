using System.Text.Json;
using Code.Deploy.Analysis;
using Code.Deploy.Gates;
using Code.Deploy.Specs;
using Code.Deploy.Strategies;
using Code.Deploy.Webhooks;
using static Code.Deploy.Tests.DeployTestHost;

namespace Code.Deploy.Tests.Specs;

public sealed class DeploymentSpecValidatorTests
{
    [Fact]
    public void The_examples_are_valid()
    {
        foreach (var yaml in new[] { SpecExamples.Recreate, SpecExamples.Rolling, SpecExamples.BlueGreen, SpecExamples.Canary, SpecExamples.CanaryWithoutRouter })
        {
            Assert.Empty(Validator().Validate(Yaml(yaml)));
        }
    }

    [Fact]
    public void A_spec_built_in_code_is_checked_field_by_field()
    {
        var spec = new DeploymentSpec
        {
            App = string.Empty,
            Revision = new RevisionSpec { Name = "-v2", Env = [new EnvVarSpec("PATH", "/bin"), new EnvVarSpec("PATH", "/usr/bin"), new EnvVarSpec("1X", "y")] },
            Replicas = -1,
            ProgressDeadlineSeconds = 5,
            MinReadySeconds = 10,
            RevisionHistoryLimit = 101,
            Strategy = new StrategySpec { RollingUpdate = new RollingUpdateStrategySpec(), Canary = new CanaryStrategySpec() },
            Probes = new ProbesSpec { Liveness = new ProbeSpec { SuccessThreshold = 2, PeriodSeconds = 0, HttpGet = new HttpGetSpec { Scheme = "ftp" } } },
        };

        var errors = Validator().Validate(spec).Select(e => e.ToString());

        Assert.Equal(
        [
            "app: is required",
            "revision.name: '-v2' must be 1 to 63 letters, digits, '.', '_' and '-', starting with a letter or digit",
            "revision: needs a command (an executable to run) or an image (a container)",
            "revision.env[1].name: 'PATH' is set more than once",
            "revision.env[2].name: '1X' must be letters, digits, '_', '-' and '.', not starting with a digit",
            "replicas: must be 0..10000, got -1",
            "progressDeadlineSeconds: must be greater than minReadySeconds (10), got 5",
            "revisionHistoryLimit: must be 0..100, got 101",
            "probes.liveness.httpGet.scheme: must be HTTP or HTTPS, got 'ftp'",
            "probes.liveness.periodSeconds: must be 1..3600, got 0",
            "probes.liveness.successThreshold: must be 1 for a liveness probe, got 2",
            "strategy: must set exactly one of recreate, rollingUpdate, blueGreen, canary",
        ], errors);
    }

    [Fact]
    public void Analysis_references_conditions_and_providers_are_checked()
    {
        var spec = Minimal(new StrategySpec
        {
            Canary = new CanaryStrategySpec
            {
                Steps = [CanaryStep.AnalyzeWith("rate"), CanaryStep.AnalyzeWith("sucess-rate"), CanaryStep.AnalyzeWith()],
                Analysis = new BackgroundAnalysisSpec { Templates = [new AnalysisTemplateReference("rate")], StartingStep = 3 },
            },
        }) with
        {
            Analysis = new AnalysisSpec
            {
                Templates =
                [
                    new AnalysisTemplateSpec
                    {
                        Name = "rate",
                        Metrics =
                        [
                            new MetricSpec { Name = "ok", Interval = TimeSpan.FromMinutes(1), SuccessCondition = "result >= (0.9", Provider = new MetricProviderSpec { Prometheus = new PrometheusProviderSpec { Address = "localhost:9090", Query = " " } } },
                            new MetricSpec { Name = "ok", Count = 3, Provider = new MetricProviderSpec { Web = new WebProviderSpec { Url = "http://x/", JsonPath = "data" }, InProcess = new InProcessProviderSpec { Name = "n" } } },
                        ],
                    },
                    new AnalysisTemplateSpec { Name = "rate" },
                ],
            },
        };

        var errors = Validator().Validate(spec).Select(e => e.ToString()).ToList();

        Assert.Equal(
        [
            "analysis.templates[0].metrics[0].successCondition: 1:15: expected ')', got the end of the condition",
            "analysis.templates[0].metrics[0].provider.prometheus.address: must be an absolute http or https URL, got 'localhost:9090'",
            "analysis.templates[0].metrics[0].provider.prometheus.query: is required",
            "analysis.templates[0].metrics[1].name: 'ok' is used more than once",
            "analysis.templates[0].metrics[1].interval: is required when count is more than 1 (count is 3)",
            "analysis.templates[0].metrics[1].provider: must set exactly one of prometheus, web, judge, inProcess, plugin",
            "analysis.templates[1].name: 'rate' is used more than once",
            "analysis.templates[1].metrics: needs at least one metric",
            "strategy.canary.analysis.startingStep: must be a step index 0..2, got 3",
            "strategy.canary.steps[0].analysis.templates[0].templateName: template 'rate' metric 'ok' has an interval and no count, so it would never end here; set count (unlimited measurements are for background analysis only)",
            "strategy.canary.steps[1].analysis.templates[0].templateName: 'sucess-rate' is not a known analysis template (known: rate)",
            "strategy.canary.steps[2].analysis.templates: needs at least one template",
        ], errors);
    }

    [Fact]
    public void Plugins_providers_and_gates_must_be_registered_and_check_their_configuration()
    {
        var config = JsonDocument.Parse("""{"url": "ftp://x"}""").RootElement.Clone();
        var spec = Minimal(new StrategySpec
        {
            Canary = new CanaryStrategySpec
            {
                Steps = [new CanaryStep { Plugin = new PluginSpec("acme/smoke") { Config = config } }, new CanaryStep { Plugin = new PluginSpec("acme/smok") }],
            },
        }) with
        {
            Analysis = new AnalysisSpec { Templates = [new AnalysisTemplateSpec { Name = "t", Metrics = [new MetricSpec { Name = "m", Provider = new MetricProviderSpec { Plugin = new PluginSpec("datadog") } }] }] },
            Gates = [new GateSpec { Name = "g", Plugin = new PluginSpec("jira") }, new GateSpec { Name = "w", Webhook = new WebhookGateSpec { Url = "http://127.0.0.1:1/ok", Retries = 11 } }],
        };

        var errors = Validator(plugins: [new RecordingStepPlugin()]).Validate(spec).Select(e => e.ToString());

        Assert.Equal(
        [
            "analysis.templates[0].metrics[0].provider.plugin.name: no analysis provider named 'datadog' is registered (none is)",
            "strategy.canary.steps[0].plugin.config.url: must be http or https, got 'ftp://x'",
            "strategy.canary.steps[1].plugin.name: no step plugin named 'acme/smok' is registered (registered: acme/smoke; did you mean 'acme/smoke'?)",
            "gates[0].plugin.name: no gate named 'jira' is registered (none is)",
            "gates[1].webhook.retries: must be 0..10, got 11",
        ], errors);
    }

    [Fact]
    public void Header_routes_gates_and_webhooks_are_checked()
    {
        var spec = Minimal(new StrategySpec
        {
            Canary = new CanaryStrategySpec
            {
                Steps =
                [
                    new CanaryStep { SetHeaderRoute = new SetHeaderRouteStep { Name = "beta" } },
                    new CanaryStep { SetHeaderRoute = new SetHeaderRouteStep { Name = "beta", Match = [new() { HeaderName = "X Beta", HeaderValue = new() { Regex = "([a-z" } }, new() { HeaderName = "X-Beta", HeaderValue = new() { Exact = "1", Prefix = "1" } }] } },
                    new CanaryStep { SetCanaryScale = new SetCanaryScaleStep { Replicas = 2, MatchTrafficWeight = true } },
                    CanaryStep.PauseFor(TimeSpan.FromDays(31)),
                ],
            },
        }) with
        {
            Gates =
            [
                new GateSpec { Name = "a", At = GatePoint.BeforeStep, Steps = [4], Manual = new() },
                new GateSpec { Name = "a", At = GatePoint.BeforeRollout, Steps = [0], Manual = new(), Experts = new() },
                new GateSpec { Name = "e", Experts = new ExpertsGateSpec { MinConfidence = 1.5, OnNoConsensus = GateStatus.Open } },
            ],
            Webhooks = [new WebhookSpec { Name = "slack", Url = "https://hooks.example/x", Events = ["promoted", "complted"], Headers = [new HeaderSpec("Authorization", "Bearer x\r\nEvil: 1")] }],
        };

        var errors = Validator().Validate(spec).Select(e => e.ToString()).ToList();
        Assert.StartsWith("strategy.canary.steps[1].setHeaderRoute.match[0].headerValue.regex: is not a valid regular expression: ", errors[2], StringComparison.Ordinal);
        errors[2] = errors[2][..errors[2].IndexOf(": ", errors[2].IndexOf("regex:", StringComparison.Ordinal) + 7, StringComparison.Ordinal)];

        Assert.Equal(
        [
            "strategy.canary.steps[0].setHeaderRoute.match: is empty, which removes the route 'beta', but no earlier step adds it",
            "strategy.canary.steps[1].setHeaderRoute.match[0].headerName: 'X Beta' is not a valid HTTP header name",
            "strategy.canary.steps[1].setHeaderRoute.match[0].headerValue.regex: is not a valid regular expression",
            "strategy.canary.steps[1].setHeaderRoute.match[1].headerValue: must set exactly one of exact, prefix, regex",
            "strategy.canary.steps[2].setCanaryScale: must set exactly one of replicas, weight, matchTrafficWeight: true",
            "strategy.canary.steps[3].pause.duration: must be 0s..30d, got 31d",
            "gates[0].steps[0]: must be a step index 0..3, got 4",
            "gates[1].name: 'a' is used more than once",
            "gates[1]: must set exactly one of manual, webhook, experts, plugin",
            "gates[2].experts.minConfidence: must be 0..1, got 1.5",
            "gates[2].experts.onNoConsensus: must be pending or closed (opening a gate without consensus is not safe)",
            "webhooks[0].headers[0].value: must not contain CR, LF or NUL",
            "webhooks[0].events[1]: 'complted' is not a known event (known: started, stepCompleted, analysisCompleted, paused, promoted, aborted, completed); did you mean 'completed'?",
        ], errors);
    }

    [Fact]
    public void A_plugin_may_not_take_a_built_in_name()
    {
        var spec = Minimal() with
        {
            Analysis = new AnalysisSpec { Templates = [new AnalysisTemplateSpec { Name = "t", Metrics = [new MetricSpec { Name = "m", Provider = new MetricProviderSpec { Plugin = new PluginSpec("prometheus") } }] }] },
            Gates = [new GateSpec { Name = "g", At = GatePoint.BeforeRollout, Plugin = new PluginSpec("manual") }],
        };

        Assert.Equal(
        [
            "analysis.templates[0].metrics[0].provider.plugin.name: 'prometheus' is a built-in provider: write provider.prometheus instead of a plugin",
            "gates[0].plugin.name: 'manual' is a built-in gate: write manual instead of a plugin",
        ], Validator().Validate(spec).Select(e => e.ToString()));
    }

    [Fact]
    public void Errors_stop_at_the_limit()
    {
        var spec = Minimal(new StrategySpec { Canary = new CanaryStrategySpec { Steps = [.. Enumerable.Range(0, 200).Select(_ => CanaryStep.Weight(101))] } });

        var errors = Validator().Validate(spec);

        Assert.Equal(SpecLimits.MaxErrors + 1, errors.Count);
        Assert.Equal($"more than {SpecLimits.MaxErrors} problems; the rest are not listed", errors[^1].Message);
    }
}
