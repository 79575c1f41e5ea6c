namespace Code.Learning.Tests.CanaryJudge.Evaluation;

/// <summary>The confusion counts of a detector over a labelled set, and the rates derived from them.</summary>
/// <param name="Name">The detector.</param>
/// <param name="Detected">Regressions of at least 10 % that failed the canary.</param>
/// <param name="Regressions">Regressions of at least 10 %.</param>
/// <param name="FalseFailures">Noise-only cases that failed the canary.</param>
/// <param name="NoiseOnly">Noise-only cases.</param>
/// <param name="SmallDetected">5 % regressions that failed the canary (reported, not scored).</param>
/// <param name="SmallRegressions">5 % regressions.</param>
internal sealed record DetectionScore(string Name, int Detected, int Regressions, int FalseFailures, int NoiseOnly, int SmallDetected, int SmallRegressions)
{
    public double DetectionRate => (double)Detected / Regressions;

    public double FalseFailureRate => (double)FalseFailures / NoiseOnly;

    public double Precision => Detected + FalseFailures == 0 ? 0 : (double)Detected / (Detected + FalseFailures);

    public double F1 => Detected == 0 ? 0 : 2 * Precision * DetectionRate / (Precision + DetectionRate);

    public static DetectionScore Evaluate(string name, IEnumerable<CanaryScenario> scenarios, Func<CanaryScenario, bool> fails)
    {
        int detected = 0, regressions = 0, falseFailures = 0, noise = 0, small = 0, smallDetected = 0;
        foreach (var scenario in scenarios)
        {
            var failed = fails(scenario);
            if (scenario.Regressed is null)
            {
                noise++;
                falseFailures += failed ? 1 : 0;
            }
            else if (scenario.Magnitude >= 0.10 - 1e-12)
            {
                regressions++;
                detected += failed ? 1 : 0;
            }
            else
            {
                small++;
                smallDetected += failed ? 1 : 0;
            }
        }

        return new DetectionScore(name, detected, regressions, falseFailures, noise, smallDetected, small);
    }
}
