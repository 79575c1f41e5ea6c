using Code.Deploy.Strategies;
using Code.Deploy.Traffic;

namespace Code.Deploy.Specs.Reading;

/// <summary>Binding of the strategies.</summary>
internal static partial class DeploymentSpecBinder
{
    private static StrategySpec ReadStrategy(MappingReader m) => new()
    {
        Recreate = m.Object("recreate", _ => new RecreateStrategySpec()),
        RollingUpdate = m.Object("rollingUpdate", r =>
        {
            var d = new RollingUpdateStrategySpec();
            return new RollingUpdateStrategySpec { MaxSurge = r.IntOrPercent("maxSurge") ?? d.MaxSurge, MaxUnavailable = r.IntOrPercent("maxUnavailable") ?? d.MaxUnavailable };
        }),
        BlueGreen = m.Object("blueGreen", ReadBlueGreen),
        Canary = m.Object("canary", ReadCanary),
    };

    private static BlueGreenStrategySpec ReadBlueGreen(MappingReader m)
    {
        var d = new BlueGreenStrategySpec();
        return new BlueGreenStrategySpec
        {
            PreviewReplicaCount = m.Int("previewReplicaCount"),
            AutoPromotionEnabled = m.Bool("autoPromotionEnabled") ?? d.AutoPromotionEnabled,
            AutoPromotionSeconds = m.Int("autoPromotionSeconds"),
            PrePromotionAnalysis = m.Object("prePromotionAnalysis", ReadRolloutAnalysis),
            PostPromotionAnalysis = m.Object("postPromotionAnalysis", ReadRolloutAnalysis),
            ScaleDownDelaySeconds = m.Int("scaleDownDelaySeconds") ?? d.ScaleDownDelaySeconds,
            AbortScaleDownDelaySeconds = m.Int("abortScaleDownDelaySeconds") ?? d.AbortScaleDownDelaySeconds,
        };
    }

    private static CanaryStrategySpec ReadCanary(MappingReader m)
    {
        var d = new CanaryStrategySpec();
        return new CanaryStrategySpec
        {
            Steps = m.ObjectList("steps", ReadStep),
            Analysis = m.Object("analysis", a => new BackgroundAnalysisSpec { Templates = ReadTemplateReferences(a), StartingStep = a.Int("startingStep") ?? 0 }),
            DynamicStableScale = m.Bool("dynamicStableScale") ?? d.DynamicStableScale,
            MaxSurge = m.IntOrPercent("maxSurge") ?? d.MaxSurge,
            MaxUnavailable = m.IntOrPercent("maxUnavailable") ?? d.MaxUnavailable,
            ScaleDownDelaySeconds = m.Int("scaleDownDelaySeconds") ?? d.ScaleDownDelaySeconds,
            AbortScaleDownDelaySeconds = m.Int("abortScaleDownDelaySeconds") ?? d.AbortScaleDownDelaySeconds,
        };
    }

    private static CanaryStep ReadStep(MappingReader m) => new()
    {
        SetWeight = m.Int("setWeight"),
        Pause = m.Object("pause", p => new PauseStep { Duration = p.Duration("duration") }),
        Analysis = m.Object("analysis", ReadRolloutAnalysis),
        SetCanaryScale = m.Object("setCanaryScale", s => new SetCanaryScaleStep
        {
            Replicas = s.Int("replicas"),
            Weight = s.Int("weight"),
            MatchTrafficWeight = s.Bool("matchTrafficWeight") ?? false,
        }),
        SetHeaderRoute = m.Object("setHeaderRoute", h => new SetHeaderRouteStep
        {
            Name = h.String("name") ?? string.Empty,
            Match = h.ObjectList("match", hm => new HeaderRouteMatch
            {
                HeaderName = hm.String("headerName") ?? string.Empty,
                HeaderValue = hm.Object("headerValue", v => new StringMatch { Exact = v.String("exact"), Prefix = v.String("prefix"), Regex = v.String("regex") }) ?? new StringMatch(),
            }),
        }),
        Plugin = m.Object("plugin", ReadPlugin),
    };

    private static RolloutAnalysisSpec ReadRolloutAnalysis(MappingReader m) => new() { Templates = ReadTemplateReferences(m) };

    private static IReadOnlyList<AnalysisTemplateReference> ReadTemplateReferences(MappingReader m) =>
        m.ObjectList("templates", t => new AnalysisTemplateReference(t.String("templateName") ?? string.Empty));
}
