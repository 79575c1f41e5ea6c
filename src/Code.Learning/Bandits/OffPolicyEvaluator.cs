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
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentException">The log is empty or a decision has an invalid arm, propensity or reward.</exception>
    public static OffPolicyEstimate Evaluate(IBanditPolicy policy, IEnumerable<LoggedDecision> log, double maxWeight = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(log);
        if (!(maxWeight > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxWeight), maxWeight, "The maximum importance weight must be greater than 0.");
        }

        double sum = 0, sumSquares = 0, weightSum = 0, weightSquares = 0;
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
            sum += term;
            sumSquares += term * term;
            weightSum += weight;
            weightSquares += weight * weight;
            count++;
        }

        if (count == 0)
        {
            throw new ArgumentException("Off-policy evaluation needs at least one logged decision.", nameof(log));
        }

        var mean = sum / count;
        var variance = count > 1 ? Math.Max(0, (sumSquares - (count * mean * mean)) / (count - 1)) : 0;
        return new OffPolicyEstimate(
            mean,
            weightSum > 0 ? sum / weightSum : 0,
            Math.Sqrt(variance / count),
            weightSquares > 0 ? weightSum * weightSum / weightSquares : 0,
            count);
    }
}
