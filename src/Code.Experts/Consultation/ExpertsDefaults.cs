using Code.Experts.Aggregation;

namespace Code.Experts.Consultation;

/// <summary>The defaults of <see cref="ExpertsOptions"/> and the limits on questions and replies.</summary>
internal static class ExpertsDefaults
{
    public const string SectionName = "experts";
    public const int PerExpertTimeoutSeconds = 30;
    public const int ConsultationDeadlineSeconds = 90;
    public const AggregationStrategy Aggregation = AggregationStrategy.Weighted;
    public const int MinimumOpinions = 2;
    public const double MinimumOpinionFraction = 0.5;
    public const double MinimumAgreement = 0.6;
    public const int CacheTimeToLiveSeconds = 300;
    public const int MaxReplyCharacters = 32_768;
    public const int MaxQuestionCharacters = 65_536;
    public const double ReliabilityPriorAlpha = 1;
    public const double ReliabilityPriorBeta = 1;
    public const int ConsultationRetentionDays = 30;
    public const string StateKeyPrefix = "experts/";

    // Hard limits on a question, independent of options: they keep hostile input small.
    public const int MaxChoices = 16;
    public const int MaxChoiceLength = 200;
    public const int MaxEvidenceItems = 64;
    public const int MaxEvidenceNameLength = 100;
    public const int MaxExpertNameLength = 64;
}
