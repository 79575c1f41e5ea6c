using Code.Deploy.Analysis;

namespace Code.Deploy.Tests.Analysis;

public sealed class MetricConditionsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    // Argo Rollouts' assessment: failure first; with both conditions and neither true, Inconclusive.
    [Theory]
    [InlineData("result >= 0.99", "result < 0.95", 0.995, AnalysisPhase.Successful)]
    [InlineData("result >= 0.99", "result < 0.95", 0.90, AnalysisPhase.Failed)]
    [InlineData("result >= 0.99", "result < 0.95", 0.97, AnalysisPhase.Inconclusive)]
    [InlineData("result >= 0.99", null, 0.97, AnalysisPhase.Failed)]
    [InlineData(null, "result < 0.95", 0.97, AnalysisPhase.Successful)]
    [InlineData(null, null, 0.1, AnalysisPhase.Successful)]
    [InlineData("result >= 0.99", null, double.NaN, AnalysisPhase.Error)]
    [InlineData("default(result, 1) >= 0.99", null, double.NaN, AnalysisPhase.Successful)]
    public void Assesses_like_Argo(string? success, string? failure, double value, AnalysisPhase expected)
    {
        var conditions = MetricConditions.For(new MetricSpec { Name = "rate", SuccessCondition = success, FailureCondition = failure });

        var assessment = conditions.Assess(Measurement.Of(value, At, At));

        Assert.Equal(expected, assessment.Phase);
        Assert.False(string.IsNullOrWhiteSpace(assessment.Reason));
    }

    [Fact]
    public void A_failed_measurement_or_a_provider_verdict_wins()
    {
        var conditions = MetricConditions.For(new MetricSpec { Name = "rate", SuccessCondition = "result > 0" });

        var error = conditions.Assess(Measurement.Failed("prometheus answered 503", At, At));
        var inconclusive = conditions.Assess(new Measurement { Value = 1.0, Phase = AnalysisPhase.Inconclusive, Reason = "3 samples, 10 needed", StartedAt = At, FinishedAt = At });

        Assert.Equal(new MeasurementAssessment(AnalysisPhase.Error, "the measurement failed: prometheus answered 503"), error);
        Assert.Equal(new MeasurementAssessment(AnalysisPhase.Inconclusive, "3 samples, 10 needed"), inconclusive);
    }

    [Fact]
    public void The_reason_names_the_condition_and_the_value()
    {
        var conditions = MetricConditions.For(new MetricSpec { Name = "rate", SuccessCondition = "result[0] >= 0.99" });

        var assessment = conditions.Assess(Measurement.Of(MetricValue.FromNumbers([0.93]), At, At));

        Assert.Equal("successCondition 'result[0] >= 0.99' is false with result = [0.93]", assessment.Reason);
    }

    [Fact]
    public void An_invalid_condition_throws_a_format_exception()
    {
        Assert.Throws<FormatException>(() => MetricConditions.For(new MetricSpec { Name = "x", FailureCondition = "result >" }));
    }
}
