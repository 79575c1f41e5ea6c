using System.Globalization;
using Code.Experts.Aggregation;
using Code.Experts.Experts;
using Code.Experts.Experts.Offline;
using Microsoft.Extensions.Options;

namespace Code.Experts.Consultation;

/// <summary>
/// Checks <see cref="ExpertsOptions"/> and the registered experts at start-up; each failure names the key
/// (<c>experts.key</c>, as under <c>Code:experts</c> in configuration) or the expert.
/// </summary>
internal sealed class ExpertsOptionsValidator(IEnumerable<ExpertRegistration> registrations) : IValidateOptions<ExpertsOptions>
{
    private const string Prefix = ExpertsDefaults.SectionName + ".";
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ExpertsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var experts = registrations.ToList();

        Timer(failures, Prefix + "per_expert_timeout", options.PerExpertTimeout);
        Timer(failures, Prefix + "consultation_deadline", options.ConsultationDeadline);
        if (options.CacheTimeToLive < TimeSpan.Zero)
        {
            failures.Add(Invariant($"{Prefix}cache_time_to_live must be zero (off) or positive; got {options.CacheTimeToLive}."));
        }

        Positive(failures, Prefix + "consultation_retention", options.ConsultationRetention);
        if (!Enum.IsDefined(options.Aggregation))
        {
            failures.Add(Invariant($"{Prefix}aggregation must be Majority, Weighted, ConfidenceWeighted or Chairman; got {(int)options.Aggregation}."));
        }

        if (options.MinimumOpinions < 1)
        {
            failures.Add(Invariant($"{Prefix}minimum_opinions must be at least 1; got {options.MinimumOpinions}."));
        }

        if (!(options.MinimumOpinionFraction >= 0 && options.MinimumOpinionFraction <= 1))
        {
            failures.Add(Invariant($"{Prefix}minimum_opinion_fraction must be in [0, 1]; got {options.MinimumOpinionFraction}."));
        }

        if (!(options.MinimumAgreement >= 0 && options.MinimumAgreement <= 1))
        {
            failures.Add(Invariant($"{Prefix}minimum_agreement must be in [0, 1]; got {options.MinimumAgreement}."));
        }

        if (options.MaxReplyCharacters is < 256 or > 1_048_576)
        {
            failures.Add(Invariant($"{Prefix}max_reply_characters must be in [256, 1048576]; got {options.MaxReplyCharacters}."));
        }

        if (options.MaxQuestionCharacters is < 256 or > 4_194_304)
        {
            failures.Add(Invariant($"{Prefix}max_question_characters must be in [256, 4194304]; got {options.MaxQuestionCharacters}."));
        }

        PriorParameter(failures, Prefix + "reliability_prior_alpha", options.ReliabilityPriorAlpha);
        PriorParameter(failures, Prefix + "reliability_prior_beta", options.ReliabilityPriorBeta);
        if (string.IsNullOrWhiteSpace(options.StateKeyPrefix) || options.StateKeyPrefix.Length > 200)
        {
            failures.Add($"{Prefix}state_key_prefix must be 1 to 200 characters, not blank; got '{options.StateKeyPrefix}'.");
        }

        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.InputPerMillionTokens < 0 || price.OutputPerMillionTokens < 0)
            {
                failures.Add($"{Prefix}prices.{model} must have non-negative input_per_million_tokens and output_per_million_tokens.");
            }
        }

        ValidateExperts(failures, experts, options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateExperts(List<string> failures, List<ExpertRegistration> experts, ExpertsOptions options)
    {
        if (experts.Count == 0)
        {
            failures.Add($"experts: no expert is registered; call AddChatExpert, AddKeyedChatExpert or AddOfflineExpert in AddExperts(...).");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var expert in experts)
        {
            if (!seen.Add(expert.Name))
            {
                failures.Add($"experts: the expert name '{expert.Name}' is registered twice (names are compared ignoring case).");
            }

            if (!(expert.Options.Weight > 0 && double.IsFinite(expert.Options.Weight)))
            {
                failures.Add(Invariant($"expert '{expert.Name}': Weight must be a finite number greater than 0; got {expert.Options.Weight}."));
            }

            if (expert.Options is OfflineExpertOptions offline)
            {
                if (offline.MinimumOutcomes < 0)
                {
                    failures.Add(Invariant($"expert '{expert.Name}': MinimumOutcomes must be 0 or more; got {offline.MinimumOutcomes}."));
                }

                if (!(offline.LearningRate > 0 && offline.LearningRate <= 10))
                {
                    failures.Add(Invariant($"expert '{expert.Name}': LearningRate must be in (0, 10]; got {offline.LearningRate}."));
                }
            }

            if (expert.Options.Timeout is { } timeout)
            {
                Timer(failures, $"expert '{expert.Name}': Timeout", timeout);
            }
        }

        if (options.Chairman is { } chairman && !seen.Contains(chairman))
        {
            failures.Add($"{Prefix}chairman names '{chairman}', which is not a registered expert ({string.Join(", ", experts.Select(e => e.Name))}).");
        }

        if (options.Aggregation == AggregationStrategy.Chairman && options.Chairman is null)
        {
            failures.Add($"{Prefix}aggregation is Chairman but {Prefix}chairman names no expert.");
        }
    }

    /// <summary>A timeout runs on a timer, which takes at most about 49 days; a day is the sensible ceiling.</summary>
    private static void Timer(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > MaxTimer)
        {
            failures.Add(Invariant($"{key} must be positive and at most 1 day; got {value}."));
        }
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(3650))
        {
            failures.Add(Invariant($"{key} must be positive and at most 3650 days; got {value}."));
        }
    }

    private static void PriorParameter(List<string> failures, string key, double value)
    {
        if (!(value > 0 && value <= 1_000_000))
        {
            failures.Add(Invariant($"{key} must be in (0, 1000000]; got {value}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
