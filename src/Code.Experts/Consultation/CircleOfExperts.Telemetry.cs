using System.Diagnostics;
using Code.Experts.Aggregation;
using Code.Experts.Diagnostics;

namespace Code.Experts.Consultation;

/// <summary>The circle's metrics and activity tags.</summary>
internal sealed partial class CircleOfExperts
{
    private void RecordExpert(ExpertOpinion opinion)
    {
        var expertTag = new KeyValuePair<string, object?>("expert", opinion.Expert);
        var statusTag = new KeyValuePair<string, object?>("status", StatusName(opinion.Status));
        ExpertsDiagnostics.ExpertDuration.Record(opinion.LatencyMilliseconds / 1000, expertTag, statusTag);
        if (!opinion.IsValid)
        {
            ExpertsDiagnostics.ExpertFailures.Add(1, expertTag, statusTag);
            ExpertsLog.ExpertFailed(_logger, opinion.Expert, StatusName(opinion.Status), opinion.Error ?? "unknown");
        }
    }

    private static void RecordTokens(string expert, TokenUsage tokens)
    {
        var expertTag = new KeyValuePair<string, object?>("expert", expert);
        if (tokens.InputTokens > 0)
        {
            ExpertsDiagnostics.Tokens.Add(tokens.InputTokens, expertTag, new KeyValuePair<string, object?>("direction", "input"));
        }

        if (tokens.OutputTokens > 0)
        {
            ExpertsDiagnostics.Tokens.Add(tokens.OutputTokens, expertTag, new KeyValuePair<string, object?>("direction", "output"));
        }
    }

    private static void Record(Activity? activity, ConsultationResult result, string outcome, TimeSpan elapsed)
    {
        var aggregationTag = new KeyValuePair<string, object?>("aggregation", StrategyName(result.Aggregation));
        ExpertsDiagnostics.Consultations.Add(1, new KeyValuePair<string, object?>("outcome", outcome), aggregationTag);
        ExpertsDiagnostics.ConsultationDuration.Record(elapsed.TotalSeconds, aggregationTag);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("experts.consultation_id", result.ConsultationId);
        activity.SetTag("experts.aggregation", StrategyName(result.Aggregation));
        activity.SetTag("experts.outcome", outcome);
        activity.SetTag("experts.answer", result.Answer);
        activity.SetTag("experts.confidence", result.Confidence);
        activity.SetTag("experts.dissenters", result.Dissenters.Count);
        activity.SetTag("experts.tokens", result.TotalTokens.TotalTokens);
    }

    private static string StatusName(OpinionStatus status) => status switch
    {
        OpinionStatus.Answered => "answered",
        OpinionStatus.Abstained => "abstained",
        OpinionStatus.Unusable => "unusable",
        OpinionStatus.TimedOut => "timedOut",
        _ => "failed",
    };

    private static string StrategyName(AggregationStrategy strategy) => strategy switch
    {
        AggregationStrategy.Majority => "majority",
        AggregationStrategy.Weighted => "weighted",
        AggregationStrategy.ConfidenceWeighted => "confidenceWeighted",
        _ => "chairman",
    };
}
