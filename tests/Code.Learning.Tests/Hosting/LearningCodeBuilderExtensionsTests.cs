using Code.Learning.CanaryJudge;
using Code.Learning.Hosting;
using Code.Learning.Registry;
using Code.Learning.Risk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Code.Learning.Tests.Hosting;

public class LearningCodeBuilderExtensionsTests
{
    [Fact]
    public void AddLearning_registers_each_service_once()
    {
        var services = new ServiceCollection();
        var builder = services.AddCode(o => o.Persistence.Store = "memory");
        Assert.Same(builder, builder.AddLearning());
        builder.AddLearning();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Assert.Single(provider.GetServices<IHostedService>().OfType<LearningLoop>());
        Assert.Same(provider.GetRequiredService<LearningLoop>(), provider.GetRequiredService<ILearningEventSink>());
        Assert.Same(provider.GetRequiredService<ILearningModels>(), provider.GetRequiredService<IDeploymentRiskModel>());
        Assert.NotNull(provider.GetRequiredService<IModelRegistry>());
        Assert.NotNull(provider.GetRequiredService<ICanaryJudge>());
    }

    [Fact]
    public void The_judge_uses_learning_canary_confidence()
    {
        var services = new ServiceCollection();
        services.AddCode(o => o.Learning.CanaryConfidence = 0.6).AddLearning();
        using var provider = services.BuildServiceProvider();
        var judge = provider.GetRequiredService<ICanaryJudge>();

        // p of a small shift with 10 samples each sits between 0.02 and 0.4: significant only at confidence 0.6.
        double[] baseline = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
        double[] canary = [11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 20.5];
        var metric = new CanaryMetricSamples(new CanaryMetricConfig("latency") { Direction = MetricDirection.Increase }, baseline, canary);
        var result = judge.Judge(new CanaryJudgeRequest([metric])).Metrics[0];
        Assert.InRange(result.PValue, 0.02, 0.4);
        Assert.Equal(CanaryMetricClassification.High, result.Classification);
    }

    [Fact]
    public void Invalid_package_options_fail_naming_the_key()
    {
        var services = new ServiceCollection();
        services.AddCode().AddLearning(o => o.SequenceOrder = 9);
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Code.Learning.CodeLearningOptions>>().Value);
        Assert.Contains("learning.sequence_order", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_options_bind_from_the_learning_section_beside_code_cores_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Code:learning:learning_rate"] = "0.2",
            ["Code:learning:sequence_order"] = "2",
            ["Code:learning:risk_model_id"] = "risk-v2",
        }).Build();
        var services = new ServiceCollection();
        services.AddCode(configuration.GetSection("Code")).AddLearning(o => o.MetricWindow = 30);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<CodeLearningOptions>>().Value;
        Assert.Equal(2, options.SequenceOrder);
        Assert.Equal("risk-v2", options.RiskModelId);
        Assert.Equal(30, options.MetricWindow);
        Assert.Equal(0.2, provider.GetRequiredService<IOptions<Code.Core.Configuration.CodeOptions>>().Value.Learning.LearningRate);
    }

    [Fact]
    public void A_misspelt_learning_key_fails_even_with_the_package_keys_known()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Code:learning:sequence_ordr"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddCode(configuration.GetSection("Code")).AddLearning();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Code.Core.Configuration.CodeOptions>>().Value);
        Assert.Contains("Code:learning:sequence_ordr is not a CODE option", error.Message, StringComparison.Ordinal);
        Assert.Contains("sequence_order", error.Message, StringComparison.Ordinal);
    }
}
