namespace Code.Learning.Tests.CanaryJudge.Evaluation;

/// <summary>
/// Flagger-style static analysis: every interval, each canary metric is checked against a fixed
/// threshold; the canary fails when the failed checks reach the threshold count (Flagger's
/// <c>analysis.threshold</c>, 5 in its examples).
/// </summary>
/// <param name="Name">How the thresholds were chosen, for the table.</param>
/// <param name="Threshold">The maximum allowed value of each metric in a case.</param>
/// <param name="MaxFailedChecks">Failed checks that fail the canary.</param>
internal sealed record StaticThresholdJudge(string Name, Func<CanaryScenario, ScenarioMetric, double> Threshold, int MaxFailedChecks = 5)
{
    /// <summary>Flagger's documented defaults: request success rate at least 99 %, p99 latency at most 500 ms (and CPU at most 80 %).</summary>
    public static StaticThresholdJudge FlaggerDefaults { get; } = new(
        "static, Flagger defaults (success >= 99 %, p99 <= 500 ms, CPU <= 80 %)",
        (_, metric) => metric switch
        {
            ScenarioMetric.Latency => 500,
            ScenarioMetric.ErrorRate => 0.01,
            _ => 80,
        });

    /// <summary>Per-service thresholds an operator sets at the service's nominal level plus a margin.</summary>
    public static StaticThresholdJudge PerService(double margin) => new(
        $"static, per-service nominal + {margin:P0}",
        (scenario, metric) => scenario.Nominal[metric] * (1 + margin));

    public bool Fails(CanaryScenario scenario)
    {
        var intervals = scenario.Canary[ScenarioMetric.Latency].Length;
        var failed = 0;
        for (var t = 0; t < intervals; t++)
        {
            foreach (var metric in Enum.GetValues<ScenarioMetric>())
            {
                if (scenario.Canary[metric][t] > Threshold(scenario, metric))
                {
                    failed++;
                    break;
                }
            }
        }

        return failed >= MaxFailedChecks;
    }
}
