using Code.Learning.Supervised;

namespace Code.Learning.Risk;

/// <summary>
/// Predicts the probability that a deployment fails from features the host supplies, and learns online
/// from each deployment's outcome. Thread-safe: one writer (outcomes), many readers (predictions).
/// </summary>
public interface IDeploymentRiskModel
{
    /// <summary>Gets the progressive-validation quality over every outcome learned.</summary>
    ModelQuality Quality { get; }

    /// <summary>Predicts the probability that a deployment with these features fails.</summary>
    /// <param name="features">The deployment's features.</param>
    /// <returns>The failure probability, in (0, 1).</returns>
    /// <exception cref="ArgumentException">A feature is missing, negative, out of range or not finite.</exception>
    double PredictFailureProbability(DeploymentRiskFeatures features);

    /// <summary>Learns the outcome of a deployment.</summary>
    /// <param name="features">The features it had.</param>
    /// <param name="failed">Whether it failed (rolled back, aborted or breached its analysis).</param>
    /// <returns>The failure probability predicted before learning.</returns>
    /// <exception cref="ArgumentException">A feature is missing, negative, out of range or not finite.</exception>
    double RecordOutcome(DeploymentRiskFeatures features, bool failed);
}
