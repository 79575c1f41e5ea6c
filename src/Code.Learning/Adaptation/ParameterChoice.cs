namespace Code.Learning.Adaptation;

/// <summary>Parameter values chosen by an <see cref="AdaptivePolicy"/>; report its reward with <see cref="AdaptivePolicy.Reward"/>.</summary>
/// <param name="Arm">The bandit arm behind the values.</param>
/// <param name="Values">The value of each parameter, always inside the host's bounds.</param>
/// <param name="Propensity">The probability with which the values were chosen (log it for off-policy evaluation).</param>
public sealed record ParameterChoice(int Arm, IReadOnlyDictionary<string, double> Values, double Propensity);
