using System.Text;
using System.Text.Json;
using Code.Core.Configuration;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Learning.CanaryJudge;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// A console host: config.toml (next to the program), then appsettings.json, environment variables
// (Code__core__port=9000) and the command line (--Code:core:port=9000), each overriding the one
// before, configure CODE. The host validates the options at start, prints what it bound, then runs
// one promotion decision end to end: the state store records the rollout, the canary judge compares
// seeded baseline and canary latencies, and the circle of (offline) experts is asked; the gate acts on its
// consensus only (the seeded run splits the circle three ways, so it holds).
var configuration = new ConfigurationManager();
configuration.AddCodeToml(Path.Combine(AppContext.BaseDirectory, "config.toml"));
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, Configuration = configuration });

builder.Services.AddCode(builder.Configuration.GetSection(CodeOptions.SectionName))
    .AddLearning()
    .AddExperts(experts => experts.AddOfflineExperts());

using var host = builder.Build();
try
{
    await host.StartAsync();
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("CODE configuration is invalid:");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync($"  - {failure}");
    }

    return 1;
}

var options = host.Services.GetRequiredService<IOptions<CodeOptions>>().Value;
Console.WriteLine("CODE host started with these options:");
Console.WriteLine(JsonSerializer.Serialize(options, new JsonSerializerOptions { WriteIndented = true }));

// 1. The rollout's state, versioned in the store (persistence.store; FASTER under core.data_dir by default).
var store = host.Services.GetRequiredService<IStateStore>();
var version = await store.PutAsync("rollouts/checkout-api", Encoding.UTF8.GetBytes("canary 2.4.1 at 10 %"));
Console.WriteLine($"\nrollouts/checkout-api stored at version {version}");

// 2. The canary judge: 60 latency samples per side from a seeded generator, the canary 20 % slower. The verdict
//    is Pass, Marginal, Fail, Inconclusive (more samples needed: judgment.SamplesNeeded per side) or NoData.
var random = new Random(2026);
double[] Latencies(double mean) => [.. Enumerable.Range(0, 60).Select(_ => mean + (random.NextDouble() - 0.5) * 10)];
var judgment = host.Services.GetRequiredService<ICanaryJudge>().Judge(new CanaryJudgeRequest([
    new CanaryMetricSamples(new CanaryMetricConfig("latency_p99_ms") { Direction = MetricDirection.Increase }, Latencies(100), Latencies(120)),
]));
Console.WriteLine($"canary judge: {judgment.Verdict}, score {judgment.Score:0} — {judgment.Summary}");
foreach (var metric in judgment.Metrics)
{
    Console.WriteLine($"  {metric.Name}: {metric.Classification} — {metric.Reason}");
}

if (judgment.Verdict == CanaryVerdict.Inconclusive)
{
    Console.WriteLine($"  extend the analysis to about {judgment.SamplesNeeded} samples per side and judge again");
}

// 3. The circle of experts, asked before a promotion, with the judge's findings as evidence. An Inconclusive canary
//    has no score over undecided metrics (NaN), so the score is only passed when there is one.
var evidence = new List<Evidence>
{
    Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, Math.Round(judgment.Metrics[0].RelativeEffect * 100, 1), "%"),
    Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.0001),
    Evidence.OfNumber(EvidenceNames.ChangedLines, 420),
    Evidence.OfNumber(EvidenceNames.ChangedFiles, 12),
    Evidence.OfText(EvidenceNames.ChangeSummary, "Rewrite of the receipt rounding"),
};
if (double.IsFinite(judgment.Score))
{
    evidence.Insert(0, Evidence.OfNumber(EvidenceNames.CanaryScore, judgment.Score / 100));
}

var result = await host.Services.GetRequiredService<ICircleOfExperts>().ConsultAsync(ExpertQuestion.Decision(
    "Promote checkout-api 2.4.1 from 10 % to 100 %?",
    PromotionDecision.Choices,
    evidence));
Console.WriteLine(result.HasConsensus
    ? $"experts: {result.Answer} (confidence {result.Confidence:0.00}; dissent: {(result.Dissenters.Count == 0 ? "none" : string.Join(", ", result.Dissenters))})"
    : $"experts: no consensus — {result.NoConsensusReason}");
foreach (var opinion in result.Opinions)
{
    Console.WriteLine($"  {opinion.Expert}: {opinion.Answer ?? opinion.Error} ({opinion.Confidence:0.00}) {opinion.Rationale}");
}

// The gate acts on a consensus only; a split circle holds the rollout where it is for a human to decide.
Console.WriteLine($"gate: {(result.HasConsensus ? result.Answer : $"{PromotionDecision.Hold} (the experts did not agree)")}");

await host.StopAsync();
return 0;
