using Code.Experts.Aggregation;
using Microsoft.Extensions.Configuration;

namespace Code.Experts.Consultation;

/// <summary>
/// Options of the circle of experts: section <c>experts</c> of the CODE configuration tree (<c>Code:experts</c>,
/// snake_case keys as every CODE section), or set in code with <c>IExpertsBuilder.Configure</c>. Validated at
/// start; a bad value fails with the key's name (<c>experts.per_expert_timeout</c>).
/// </summary>
public sealed class ExpertsOptions
{
    /// <summary>Gets or sets how long one expert may take for its answer, including the repair re-ask.</summary>
    /// <value>The default value is 30 seconds.</value>
    [ConfigurationKeyName("per_expert_timeout")]
    public TimeSpan PerExpertTimeout { get; set; } = TimeSpan.FromSeconds(ExpertsDefaults.PerExpertTimeoutSeconds);

    /// <summary>Gets or sets the deadline of a whole consultation; experts still pending then count as timed out.</summary>
    /// <value>The default value is 90 seconds.</value>
    [ConfigurationKeyName("consultation_deadline")]
    public TimeSpan ConsultationDeadline { get; set; } = TimeSpan.FromSeconds(ExpertsDefaults.ConsultationDeadlineSeconds);

    /// <summary>Gets or sets the aggregation used when a question does not name one.</summary>
    /// <value>The default value is <see cref="AggregationStrategy.Weighted"/>.</value>
    [ConfigurationKeyName("aggregation")]
    public AggregationStrategy Aggregation { get; set; } = ExpertsDefaults.Aggregation;

    /// <summary>Gets or sets the expert that synthesises the answer under <see cref="AggregationStrategy.Chairman"/>.</summary>
    /// <value>The default value is <see langword="null"/> (chairman synthesis unavailable).</value>
    [ConfigurationKeyName("chairman")]
    public string? Chairman { get; set; }

    /// <summary>Gets or sets a value indicating whether experts rank each other's anonymised answers, when a question does not say.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    [ConfigurationKeyName("peer_review")]
    public bool PeerReview { get; set; }

    /// <summary>
    /// Gets or sets the least number of usable opinions for a consensus (capped at the number of experts).
    /// The quorum is the larger of this and <see cref="MinimumOpinionFraction"/> of the experts.
    /// </summary>
    /// <value>The default value is 2.</value>
    [ConfigurationKeyName("minimum_opinions")]
    public int MinimumOpinions { get; set; } = ExpertsDefaults.MinimumOpinions;

    /// <summary>Gets or sets the least fraction of the experts that must give a usable opinion, in [0, 1].</summary>
    /// <value>The default value is 0.5.</value>
    [ConfigurationKeyName("minimum_opinion_fraction")]
    public double MinimumOpinionFraction { get; set; } = ExpertsDefaults.MinimumOpinionFraction;

    /// <summary>
    /// Gets or sets the least share of the summed weight, in [0, 1], the winning answer needs under the vote strategies
    /// (<see cref="AggregationStrategy.Majority"/>, <see cref="AggregationStrategy.Weighted"/>,
    /// <see cref="AggregationStrategy.ConfidenceWeighted"/>); below it the result is "no consensus". The default asks for
    /// a clear majority, so one expert of three, or one of two winning a tie on confidence, is never a consensus;
    /// 0 accepts any plurality. A chairman's synthesis is not held to it.
    /// </summary>
    /// <value>The default value is 0.6.</value>
    [ConfigurationKeyName("minimum_agreement")]
    public double MinimumAgreement { get; set; } = ExpertsDefaults.MinimumAgreement;

    /// <summary>Gets or sets how long a result with a consensus answers identical questions; zero turns the cache off.</summary>
    /// <value>The default value is 5 minutes.</value>
    [ConfigurationKeyName("cache_time_to_live")]
    public TimeSpan CacheTimeToLive { get; set; } = TimeSpan.FromSeconds(ExpertsDefaults.CacheTimeToLiveSeconds);

    /// <summary>Gets or sets how long a consultation can still receive its outcome.</summary>
    /// <value>The default value is 30 days.</value>
    [ConfigurationKeyName("consultation_retention")]
    public TimeSpan ConsultationRetention { get; set; } = TimeSpan.FromDays(ExpertsDefaults.ConsultationRetentionDays);

    /// <summary>Gets or sets the longest reply read from an expert; the rest is ignored.</summary>
    /// <value>The default value is 32768 characters.</value>
    [ConfigurationKeyName("max_reply_characters")]
    public int MaxReplyCharacters { get; set; } = ExpertsDefaults.MaxReplyCharacters;

    /// <summary>Gets or sets the largest question (prompt, choices and evidence texts together) accepted.</summary>
    /// <value>The default value is 65536 characters.</value>
    [ConfigurationKeyName("max_question_characters")]
    public int MaxQuestionCharacters { get; set; } = ExpertsDefaults.MaxQuestionCharacters;

    /// <summary>Gets or sets the alpha of the Beta prior of every expert's reliability.</summary>
    /// <value>The default value is 1 (with beta 1: a uniform prior, mean 0.5).</value>
    [ConfigurationKeyName("reliability_prior_alpha")]
    public double ReliabilityPriorAlpha { get; set; } = ExpertsDefaults.ReliabilityPriorAlpha;

    /// <summary>Gets or sets the beta of the Beta prior of every expert's reliability.</summary>
    /// <value>The default value is 1.</value>
    [ConfigurationKeyName("reliability_prior_beta")]
    public double ReliabilityPriorBeta { get; set; } = ExpertsDefaults.ReliabilityPriorBeta;

    /// <summary>Gets or sets the seed of the peer-review label shuffle; <see langword="null"/> seeds from the system.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [ConfigurationKeyName("seed")]
    public int? Seed { get; set; }

    /// <summary>Gets or sets the prefix of every key the circle writes to the state store.</summary>
    /// <value>The default value is <c>experts/</c>.</value>
    [ConfigurationKeyName("state_key_prefix")]
    public string StateKeyPrefix { get; set; } = ExpertsDefaults.StateKeyPrefix;

    /// <summary>
    /// Gets the price table, keyed by model id (ignoring case). A call is priced by its expert's configured model: the
    /// expert's <c>ModelId</c>, else its client's default model (<c>ChatClientMetadata.DefaultModelId</c>), else the id the
    /// reply names. When the table is not empty, a model that used tokens and has no price is logged once as a warning
    /// and counted as free.
    /// </summary>
    /// <value>The default value is an empty table (cost is not estimated; every model counts as free).</value>
    [ConfigurationKeyName("prices")]
    public IDictionary<string, ModelPrice> Prices { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
}
