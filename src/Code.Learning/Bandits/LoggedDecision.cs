namespace Code.Learning.Bandits;

/// <summary>One decision taken by a logging policy, as recorded for off-policy evaluation.</summary>
/// <param name="Context">The context the decision was taken in (empty for non-contextual policies).</param>
/// <param name="Arm">The arm played.</param>
/// <param name="Propensity">The probability with which the logging policy played it, in (0, 1].</param>
/// <param name="Reward">The reward observed.</param>
public sealed record LoggedDecision(ReadOnlyMemory<double> Context, int Arm, double Propensity, double Reward);

/// <summary>The estimated value of a policy from logged decisions.</summary>
/// <param name="Value">The inverse-propensity-scored (IPS) estimate of the mean reward per decision (NaN when no decision has weight).</param>
/// <param name="SelfNormalizedValue">The self-normalized IPS estimate (lower variance, slightly biased; NaN when no decision has weight).</param>
/// <param name="StandardError">The standard error of <paramref name="Value"/> (NaN with fewer than two decisions or none with weight).</param>
/// <param name="EffectiveSampleSize">(sum w)^2 / sum w^2: how many logged decisions effectively inform the estimate.</param>
/// <param name="Decisions">How many logged decisions were used.</param>
public sealed record OffPolicyEstimate(double Value, double SelfNormalizedValue, double StandardError, double EffectiveSampleSize, int Decisions);
