using Code.Deploy.Analysis;
using Code.Deploy.Gates;
using Code.Deploy.Webhooks;

namespace Code.Deploy.Specs.Reading;

/// <summary>Binds a parsed document to a <see cref="DeploymentSpec"/>, reporting wrong types and unknown fields with their paths.</summary>
internal static partial class DeploymentSpecBinder
{
    public static DeploymentSpec Bind(SpecNode root, SpecReadContext context)
    {
        var m = new MappingReader(context, root, string.Empty);
        var defaults = new DeploymentSpec();
        var spec = new DeploymentSpec
        {
            App = m.String("app") ?? defaults.App,
            Revision = m.Object("revision", ReadRevision) ?? defaults.Revision,
            Replicas = m.Int("replicas") ?? defaults.Replicas,
            Strategy = m.Object("strategy", ReadStrategy),
            Probes = m.Object("probes", ReadProbes),
            Analysis = m.Object("analysis", r => new AnalysisSpec { Templates = r.ObjectList("templates", ReadTemplate) }),
            Gates = m.ObjectList("gates", ReadGate),
            Webhooks = m.ObjectList("webhooks", ReadWebhook),
            ProgressDeadlineSeconds = m.Int("progressDeadlineSeconds") ?? defaults.ProgressDeadlineSeconds,
            MinReadySeconds = m.Int("minReadySeconds") ?? defaults.MinReadySeconds,
            RevisionHistoryLimit = m.Int("revisionHistoryLimit") ?? defaults.RevisionHistoryLimit,
        };
        m.Finish();
        return spec;
    }

    private static RevisionSpec ReadRevision(MappingReader m) => new()
    {
        Name = m.String("name") ?? string.Empty,
        Artifact = m.String("artifact"),
        Version = m.String("version"),
        Image = m.String("image"),
        Command = m.Strings("command"),
        Args = m.Strings("args"),
        Env = m.ObjectList("env", e => new EnvVarSpec(e.String("name") ?? string.Empty, e.String("value") ?? string.Empty)),
        WorkingDir = m.String("workingDir"),
    };

    private static ProbesSpec ReadProbes(MappingReader m) => new()
    {
        Readiness = m.Object("readiness", ReadProbe),
        Liveness = m.Object("liveness", ReadProbe),
    };

    private static ProbeSpec ReadProbe(MappingReader m)
    {
        var d = new ProbeSpec();
        return new ProbeSpec
        {
            HttpGet = m.Object("httpGet", h =>
            {
                var dh = new HttpGetSpec();
                return new HttpGetSpec { Path = h.String("path") ?? dh.Path, Port = h.Int("port"), Scheme = h.String("scheme") ?? dh.Scheme };
            }) ?? MissingHttpGet(m),
            InitialDelaySeconds = m.Int("initialDelaySeconds") ?? d.InitialDelaySeconds,
            PeriodSeconds = m.Int("periodSeconds") ?? d.PeriodSeconds,
            TimeoutSeconds = m.Int("timeoutSeconds") ?? d.TimeoutSeconds,
            SuccessThreshold = m.Int("successThreshold") ?? d.SuccessThreshold,
            FailureThreshold = m.Int("failureThreshold") ?? d.FailureThreshold,
        };
    }

    private static HttpGetSpec MissingHttpGet(MappingReader m)
    {
        m.Context.Error(m.PathOf("httpGet"), null, "is required (a probe is an HTTP GET)");
        return new HttpGetSpec();
    }

    private static AnalysisTemplateSpec ReadTemplate(MappingReader m) => new()
    {
        Name = m.String("name") ?? string.Empty,
        Metrics = m.ObjectList("metrics", ReadMetric),
    };

    private static MetricSpec ReadMetric(MappingReader m)
    {
        var d = new MetricSpec();
        return new MetricSpec
        {
            Name = m.String("name") ?? string.Empty,
            Provider = m.Object("provider", ReadProvider) ?? d.Provider,
            Interval = m.Duration("interval"),
            Count = m.Int("count"),
            InitialDelay = m.Duration("initialDelay"),
            SuccessCondition = m.String("successCondition"),
            FailureCondition = m.String("failureCondition"),
            FailureLimit = m.Int("failureLimit") ?? d.FailureLimit,
            InconclusiveLimit = m.Int("inconclusiveLimit") ?? d.InconclusiveLimit,
            ConsecutiveErrorLimit = m.Int("consecutiveErrorLimit") ?? d.ConsecutiveErrorLimit,
            DryRun = m.Bool("dryRun") ?? d.DryRun,
        };
    }

    private static MetricProviderSpec ReadProvider(MappingReader m) => new()
    {
        Prometheus = m.Object("prometheus", p =>
        {
            var d = new PrometheusProviderSpec();
            return new PrometheusProviderSpec { Address = p.String("address") ?? string.Empty, Query = p.String("query") ?? string.Empty, Timeout = p.Duration("timeout") ?? d.Timeout };
        }),
        Web = m.Object("web", w =>
        {
            var d = new WebProviderSpec();
            return new WebProviderSpec { Url = w.String("url") ?? string.Empty, Headers = ReadHeaders(w), JsonPath = w.String("jsonPath"), Timeout = w.Duration("timeout") ?? d.Timeout };
        }),
        Judge = m.Object("judge", j => new JudgeProviderSpec
        {
            Metrics = j.ObjectList("metrics", jm =>
            {
                var d = new JudgeMetricSpec();
                return new JudgeMetricSpec
                {
                    Name = jm.String("name") ?? string.Empty,
                    Direction = jm.Enum("direction", ("either", Learning.CanaryJudge.MetricDirection.Either), ("increase", Learning.CanaryJudge.MetricDirection.Increase), ("decrease", Learning.CanaryJudge.MetricDirection.Decrease)) ?? d.Direction,
                    Tolerance = jm.Double("tolerance") ?? d.Tolerance,
                    Critical = jm.Bool("critical") ?? d.Critical,
                };
            }),
        }),
        InProcess = m.Object("inProcess", p => new InProcessProviderSpec { Name = p.String("name") ?? string.Empty }),
        Plugin = m.Object("plugin", ReadPlugin),
    };

    internal static PluginSpec ReadPlugin(MappingReader m)
    {
        var name = m.String("name") ?? string.Empty;
        var config = m.Take("config");
        return new PluginSpec(name) { Config = config is null || config.IsNull ? null : SpecReadContext.ToJson(config) };
    }

    private static IReadOnlyList<HeaderSpec> ReadHeaders(MappingReader m) =>
        m.ObjectList("headers", h => new HeaderSpec(h.String("key") ?? string.Empty, h.String("value") ?? string.Empty));

    private static GateSpec ReadGate(MappingReader m)
    {
        var d = new GateSpec();
        return new GateSpec
        {
            Name = m.String("name") ?? string.Empty,
            At = m.Enum("at", ("beforeRollout", GatePoint.BeforeRollout), ("beforeStep", GatePoint.BeforeStep), ("beforePromotion", GatePoint.BeforePromotion)) ?? d.At,
            Steps = m.Ints("steps"),
            Manual = m.Object("manual", _ => new ManualGateSpec()),
            Webhook = m.Object("webhook", w =>
            {
                var dw = new WebhookGateSpec();
                return new WebhookGateSpec { Url = w.String("url") ?? string.Empty, Timeout = w.Duration("timeout") ?? dw.Timeout, Retries = w.Int("retries") ?? dw.Retries, Headers = ReadHeaders(w) };
            }),
            Experts = m.Object("experts", e =>
            {
                var de = new ExpertsGateSpec();
                return new ExpertsGateSpec
                {
                    Question = e.String("question"),
                    MinConfidence = e.Double("minConfidence") ?? de.MinConfidence,
                    OnNoConsensus = e.Enum("onNoConsensus", ("pending", GateStatus.Pending), ("closed", GateStatus.Closed)) ?? de.OnNoConsensus,
                };
            }),
            Plugin = m.Object("plugin", ReadPlugin),
        };
    }

    private static WebhookSpec ReadWebhook(MappingReader m)
    {
        var d = new WebhookSpec();
        return new WebhookSpec
        {
            Name = m.String("name") ?? string.Empty,
            Url = m.String("url") ?? string.Empty,
            Events = m.Strings("events"),
            Timeout = m.Duration("timeout") ?? d.Timeout,
            Retries = m.Int("retries") ?? d.Retries,
            Headers = ReadHeaders(m),
        };
    }
}
