using Code.Learning.Statistics;

namespace Code.Learning.Bandits;

/// <summary>
/// Scores a policy on decisions logged by another policy, before letting it act: inverse propensity
/// scoring weighs each logged reward by pi(arm | context) / propensity.
/// </summary>
public static class OffPolicyEvaluator
{
    /// <summary>Estimates the mean reward <paramref name="policy"/> would earn on the logged contexts.</summary>
    /// <param name="policy">The policy to score; only <see cref="IBanditPolicy.GetProbability"/> is called, it does not learn.</param>
    /// <param name="log">The logged decisions.</param>
    /// <param name="maxWeight">Importance weights above this are clipped (trading a little bias for variance); infinity disables clipping.</param>
    /// <returns>
    /// The estimate. When no logged decision has a positive weight (the policy never plays what was logged)
    /// nothing is estimable: the values and the standard error are NaN and the effective sample size 0. The
    /// standard error is NaN for a single decision.
    /// </returns>
    /// <exception cref="ArgumentException">The log is empty, a decision has an invalid arm, propensity or reward, or an importance-weighted reward overflows.</exception>
    public static OffPolicyEstimate Evaluate(IBanditPolicy policy, IEnumerable<LoggedDecision> log, double maxWeight = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(log);
        if (!(maxWeight > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxWeight), maxWeight, "The maximum importance weight must be greater than 0.");
        }

        var terms = new RunningStatistics(); // Welford: the sum-of-squares formula cancels for large rewards
        double weightSum = 0, weightSquares = 0;
        var count = 0;
        foreach (var decision in log)
        {
            if (decision is null || !(decision.Propensity > 0 && decision.Propensity <= 1))
            {
                throw new ArgumentException($"Logged decision {count} has propensity {decision?.Propensity}; it must be in (0, 1].", nameof(log));
            }

            if ((uint)decision.Arm >= (uint)policy.ArmCount || !double.IsFinite(decision.Reward))
            {
                throw new ArgumentException($"Logged decision {count} has arm {decision.Arm} or reward {decision.Reward} outside what the policy accepts.", nameof(log));
            }

            var weight = Math.Min(maxWeight, policy.GetProbability(decision.Context.Span, decision.Arm) / decision.Propensity);
            var term = weight * decision.Reward;
            if (!ValueBounds.Accepts(term) || !double.IsFinite(weightSquares + (weight * weight)))
            {
                throw new ArgumentException($"Logged decision {count} (propensity {decision.Propensity}, reward {decision.Reward}) has an importance-weighted reward that overflows; clip the weights with maxWeight.", nameof(log));
            }

            terms.Add(term);
            weightSum += weight;
            weightSquares += weight * weight;
            count++;
        }

        if (count == 0)
        {
            throw new ArgumentException("Off-policy evaluation needs at least one logged decision.", nameof(log));
        }

        // No logged decision has weight: the target never plays what was logged, so nothing is estimable.
        var estimable = weightSum > 0;
        return new OffPolicyEstimate(
            estimable ? terms.Mean : double.NaN,
            estimable ? terms.Mean * count / weightSum : double.NaN,
            estimable && count > 1 ? Math.Sqrt(terms.Variance / count) : double.NaN,
            estimable ? weightSum * weightSum / weightSquares : 0,
            count);
    }
}
