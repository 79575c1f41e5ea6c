using Code.Core.Configuration;
using Code.Core.Hosting;
using Code.Core.State;
using Code.Learning;
using Code.Learning.Adaptation;
using Code.Learning.CanaryJudge;
using Code.Learning.Hosting;
using Code.Learning.Registry;
using Code.Learning.Risk;
using Code.Learning.Supervised;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Code.Learning on a CODE host.</summary>
public static class LearningCodeBuilderExtensions
{
    /// <summary>
    /// Adds the canary judge (<see cref="ICanaryJudge"/>), the model registry (<see cref="IModelRegistry"/>,
    /// over the host's <see cref="IStateStore"/>), the deployment risk model (<see cref="IDeploymentRiskModel"/>),
    /// the models the loop maintains (<see cref="ILearningModels"/>), the adaptation engine
    /// (<see cref="IAdaptationEngine"/>) and the learning loop as a hosted service
    /// fed through <see cref="ILearningEventSink"/> and controlled through <see cref="ILearningLoop"/>. Settings come from <c>CodeOptions.Learning</c> and
    /// <see cref="CodeLearningOptions"/>, both bound from the <c>learning</c> section of the CODE configuration tree. Calling it twice registers everything once; every service can be
    /// replaced by registering it first.
    /// </summary>
    /// <param name="builder">The CODE builder from <c>AddCode()</c>.</param>
    /// <param name="configure">Changes the package's own settings.</param>
    /// <returns>The builder.</returns>
    public static ICodeBuilder AddLearning(this ICodeBuilder builder, Action<CodeLearningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = builder.AddOptionsSection<CodeLearningOptions>("learning").ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CodeLearningOptions>, CodeLearningOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<ICanaryJudge>(sp =>
        {
            var learning = sp.GetRequiredService<IOptions<CodeOptions>>().Value.Learning;
            var package = sp.GetRequiredService<IOptions<CodeLearningOptions>>().Value;
            return new MannWhitneyCanaryJudge(new CanaryJudgeOptions
            {
                Confidence = learning.CanaryConfidence,
                PassThreshold = package.CanaryPassThreshold,
                MarginalThreshold = package.CanaryMarginalThreshold,
            });
        });

        services.TryAddSingleton<IModelRegistry>(sp => new StateStoreModelRegistry(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton(sp => new AdaptationEngine(
            sp.GetRequiredService<IModelRegistry>(), sp.GetRequiredService<IOptions<CodeOptions>>().Value.Learning.ExplorationRate));
        services.TryAddSingleton<IAdaptationEngine>(sp => sp.GetRequiredService<AdaptationEngine>());

        services.TryAddSingleton(sp =>
        {
            var learning = sp.GetRequiredService<IOptions<CodeOptions>>().Value.Learning;
            var package = sp.GetRequiredService<IOptions<CodeLearningOptions>>().Value;
            var ftrl = new FtrlOptions { Alpha = learning.LearningRate, L1 = package.RiskModelL1, L2 = package.RiskModelL2, HashBits = package.RiskModelHashBits };
            return new LearningModels(ftrl, package.SequenceOrder, package.MetricWindow, package.MaxMetricSeries, learning.AnomalyThreshold);
        });
        services.TryAddSingleton<ILearningModels>(sp => sp.GetRequiredService<LearningModels>());
        services.TryAddSingleton<IDeploymentRiskModel>(sp => sp.GetRequiredService<LearningModels>());

        services.TryAddSingleton(sp => new LearningLoop(
            sp.GetRequiredService<IOptions<CodeOptions>>(),
            sp.GetRequiredService<IOptions<CodeLearningOptions>>(),
            sp.GetRequiredService<LearningModels>(),
            sp.GetRequiredService<IModelRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<AdaptationEngine>(),
            sp.GetService<ILogger<LearningLoop>>()));
        services.TryAddSingleton<ILearningEventSink>(sp => sp.GetRequiredService<LearningLoop>());
        services.TryAddSingleton<ILearningLoop>(sp => sp.GetRequiredService<LearningLoop>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LearningLoop>(sp => sp.GetRequiredService<LearningLoop>()));
        return builder;
    }
}
