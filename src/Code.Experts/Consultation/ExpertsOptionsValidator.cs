using System.Globalization;
using Code.Experts.Aggregation;
using Code.Experts.Experts;
using Code.Experts.Experts.Offline;
using Microsoft.Extensions.Options;

namespace Code.Experts.Consultation;

/// <summary>
/// Checks <see cref="ExpertsOptions"/> and the registered experts at start-up; each failure names the key
/// (<c>Experts:Key</c>, as in appsettings.json) or the expert.
/// </summary>
internal sealed class ExpertsOptionsValidator(IEnumerable<ExpertRegistration> registrations) : IValidateOptions<ExpertsOptions>
{
    private const string Prefix = ExpertsDefaults.SectionName + ":";
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ExpertsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var experts = registrations.ToList();

        Timer(failures, nameof(options.PerExpertTimeout), options.PerExpertTimeout);
        Timer(failures, nameof(options.ConsultationDeadline), options.ConsultationDeadline);
        if (options.CacheTimeToLive < TimeSpan.Zero)
        {
            failures.Add(Invariant($"{Prefix}CacheTimeToLive must be zero (off) or positive; got {options.CacheTimeToLive}."));
        }

        Positive(failures, nameof(options.ConsultationRetention), options.ConsultationRetention);
        if (!Enum.IsDefined(options.Aggregation))
        {
            failures.Add(Invariant($"{Prefix}Aggregation must be Majority, Weighted, ConfidenceWeighted or Chairman; got {(int)options.Aggregation}."));
        }

        if (options.MinimumOpinions < 1)
        {
            failures.Add(Invariant($"{Prefix}MinimumOpinions must be at least 1; got {options.MinimumOpinions}."));
        }

        if (!(options.MinimumOpinionFraction >= 0 && options.MinimumOpinionFraction <= 1))
        {
            failures.Add(Invariant($"{Prefix}MinimumOpinionFraction must be in [0, 1]; got {options.MinimumOpinionFraction}."));
        }

        if (!(options.MinimumAgreement >= 0 && options.MinimumAgreement <= 1))
        {
            failures.Add(Invariant($"{Prefix}MinimumAgreement must be in [0, 1]; got {options.MinimumAgreement}."));
        }

        if (options.MaxReplyCharacters is < 256 or > 1_048_576)
        {
            failures.Add(Invariant($"{Prefix}MaxReplyCharacters must be in [256, 1048576]; got {options.MaxReplyCharacters}."));
        }

        if (options.MaxQuestionCharacters is < 256 or > 4_194_304)
        {
            failures.Add(Invariant($"{Prefix}MaxQuestionCharacters must be in [256, 4194304]; got {options.MaxQuestionCharacters}."));
        }

        PriorParameter(failures, nameof(options.ReliabilityPriorAlpha), options.ReliabilityPriorAlpha);
        PriorParameter(failures, nameof(options.ReliabilityPriorBeta), options.ReliabilityPriorBeta);
        if (string.IsNullOrWhiteSpace(options.StateKeyPrefix) || options.StateKeyPrefix.Length > 200)
        {
            failures.Add($"{Prefix}StateKeyPrefix must be 1 to 200 characters, not blank; got '{options.StateKeyPrefix}'.");
        }

        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.InputPerMillionTokens < 0 || price.OutputPerMillionTokens < 0)
            {
                failures.Add($"{Prefix}Prices:{model} must have non-negative InputPerMillionTokens and OutputPerMillionTokens.");
            }
        }

        ValidateExperts(failures, experts, options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateExperts(List<string> failures, List<ExpertRegistration> experts, ExpertsOptions options)
    {
        if (experts.Count == 0)
        {
            failures.Add($"{Prefix}: no expert is registered; call AddChatExpert, AddKeyedChatExpert or AddOfflineExpert in AddExperts(...).");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var expert in experts)
        {
            if (!seen.Add(expert.Name))
            {
                failures.Add($"{Prefix}: the expert name '{expert.Name}' is registered twice (names are compared ignoring case).");
            }

            if (!(expert.Options.Weight > 0 && double.IsFinite(expert.Options.Weight)))
            {
                failures.Add(Invariant($"{Prefix}Experts:{expert.Name}:Weight must be a finite number greater than 0; got {expert.Options.Weight}."));
            }

            if (expert.Options is OfflineExpertOptions offline)
            {
                if (offline.MinimumOutcomes < 0)
                {
                    failures.Add(Invariant($"{Prefix}Experts:{expert.Name}:MinimumOutcomes must be 0 or more; got {offline.MinimumOutcomes}."));
                }

                if (!(offline.LearningRate > 0 && offline.LearningRate <= 10))
                {
                    failures.Add(Invariant($"{Prefix}Experts:{expert.Name}:LearningRate must be in (0, 10]; got {offline.LearningRate}."));
                }
            }

            if (expert.Options.Timeout is { } timeout)
            {
                Timer(failures, $"Experts:{expert.Name}:Timeout", timeout);
            }
        }

        if (options.Chairman is { } chairman && !seen.Contains(chairman))
        {
            failures.Add($"{Prefix}Chairman names '{chairman}', which is not a registered expert ({string.Join(", ", experts.Select(e => e.Name))}).");
        }

        if (options.Aggregation == AggregationStrategy.Chairman && options.Chairman is null)
        {
            failures.Add($"{Prefix}Aggregation is Chairman but {Prefix}Chairman names no expert.");
        }
    }

    /// <summary>A timeout runs on a timer, which takes at most about 49 days; a day is the sensible ceiling.</summary>
    private static void Timer(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > MaxTimer)
        {
            failures.Add(Invariant($"{Prefix}{key} must be positive and at most 1 day; got {value}."));
        }
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(3650))
        {
            failures.Add(Invariant($"{Prefix}{key} must be positive and at most 3650 days; got {value}."));
        }
    }

    private static void PriorParameter(List<string> failures, string key, double value)
    {
        if (!(value > 0 && value <= 1_000_000))
        {
            failures.Add(Invariant($"{Prefix}{key} must be in (0, 1000000]; got {value}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
