namespace Code.Deploy.Analysis;

/// <summary>
/// Judges one measurement of a metric with its conditions, as Argo Rollouts does: a failure condition that holds
/// fails it; else a success condition that holds passes it; with both conditions and neither holding it is
/// inconclusive; with only a success condition that does not hold it fails; with only a failure condition that
/// does not hold, or with no condition, it passes. A measurement error, a provider's own phase, or a condition
/// that cannot be decided (an <see cref="ConditionOutcome.Error"/>) is reported as such. Immutable and thread-safe.
/// </summary>
public sealed class MetricConditions
{
    private MetricConditions(AnalysisCondition? success, AnalysisCondition? failure)
    {
        Success = success;
        Failure = failure;
    }

    /// <summary>Gets the success condition, or <see langword="null"/>.</summary>
    public AnalysisCondition? Success { get; }

    /// <summary>Gets the failure condition, or <see langword="null"/>.</summary>
    public AnalysisCondition? Failure { get; }

    /// <summary>Parses a metric's conditions.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The conditions.</returns>
    /// <exception cref="FormatException">A condition is not valid (the validator reports this with the condition's path).</exception>
    public static MetricConditions For(MetricSpec metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return new MetricConditions(
            metric.SuccessCondition is null ? null : AnalysisCondition.Parse(metric.SuccessCondition),
            metric.FailureCondition is null ? null : AnalysisCondition.Parse(metric.FailureCondition));
    }

    /// <summary>Judges a measurement.</summary>
    /// <param name="measurement">The measurement.</param>
    /// <returns>Successful, Failed, Inconclusive or Error, with the reason.</returns>
    public MeasurementAssessment Assess(Measurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        if (measurement.Error is not null)
        {
            return new MeasurementAssessment(AnalysisPhase.Error, "the measurement failed: " + measurement.Error);
        }

        if (measurement.Phase is { } phase and not (AnalysisPhase.Pending or AnalysisPhase.Running))
        {
            return new MeasurementAssessment(phase, measurement.Reason ?? $"the provider judged the measurement {phase}");
        }

        if (measurement.Value is not { } value)
        {
            return new MeasurementAssessment(AnalysisPhase.Error, "the measurement has no value");
        }

        if (Failure is not null)
        {
            var failed = Failure.Evaluate(value);
            switch (failed.Outcome)
            {
                case ConditionOutcome.Error:
                    return new MeasurementAssessment(AnalysisPhase.Error, "failureCondition: " + failed.Reason);
                case ConditionOutcome.True:
                    return new MeasurementAssessment(AnalysisPhase.Failed, "failureCondition " + failed.Reason);
            }
        }

        if (Success is null)
        {
            return new MeasurementAssessment(AnalysisPhase.Successful, Failure is null
                ? $"no condition; result = {value}"
                : $"failureCondition '{Failure.Text}' is false with result = {value}");
        }

        var succeeded = Success.Evaluate(value);
        return succeeded.Outcome switch
        {
            ConditionOutcome.Error => new MeasurementAssessment(AnalysisPhase.Error, "successCondition: " + succeeded.Reason),
            ConditionOutcome.True => new MeasurementAssessment(AnalysisPhase.Successful, "successCondition " + succeeded.Reason),
            _ when Failure is not null => new MeasurementAssessment(AnalysisPhase.Inconclusive, $"neither condition holds: successCondition {succeeded.Reason}; failureCondition '{Failure.Text}' is false"),
            _ => new MeasurementAssessment(AnalysisPhase.Failed, "successCondition " + succeeded.Reason),
        };
    }
}

/// <summary>The judgment of one measurement.</summary>
/// <param name="Phase">Successful, Failed, Inconclusive or Error.</param>
/// <param name="Reason">Which condition, and the value it saw.</param>
public sealed record MeasurementAssessment(AnalysisPhase Phase, string Reason);
