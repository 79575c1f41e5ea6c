using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Code.Learning;

/// <summary>Validates <see cref="CodeLearningOptions"/> at start, naming each bad key.</summary>
internal sealed partial class CodeLearningOptionsValidator : IValidateOptions<CodeLearningOptions>
{
    public ValidateOptionsResult Validate(string? name, CodeLearningOptions options)
    {
        var failures = new List<string>();
        if (!ModelId().IsMatch(options.RiskModelId ?? ""))
        {
            failures.Add($"learning.risk_model_id '{options.RiskModelId}' is not a valid model id (1-128 letters, digits, '.', '_', '-').");
        }

        if (!ModelId().IsMatch(options.SequenceModelId ?? "") || options.SequenceModelId == options.RiskModelId)
        {
            failures.Add($"learning.sequence_model_id '{options.SequenceModelId}' is not a valid model id distinct from the risk model's.");
        }

        if (options.SequenceOrder is < 1 or > 4)
        {
            failures.Add($"learning.sequence_order must be between 1 and 4 (got {options.SequenceOrder}).");
        }

        if (options.MetricWindow is < 3 or > 100_000)
        {
            failures.Add($"learning.metric_window must be between 3 and 100000 (got {options.MetricWindow}).");
        }

        if (options.MaxMetricSeries is < 1 or > 1_000_000)
        {
            failures.Add($"learning.max_metric_series must be between 1 and 1000000 (got {options.MaxMetricSeries}).");
        }

        if (options.RiskModelHashBits is < 4 or > 26)
        {
            failures.Add($"learning.risk_model_hash_bits must be between 4 and 26 (got {options.RiskModelHashBits}).");
        }

        if (!(options.RiskModelL1 >= 0) || !(options.RiskModelL2 >= 0) || !double.IsFinite(options.RiskModelL1) || !double.IsFinite(options.RiskModelL2))
        {
            failures.Add($"learning.risk_model_l1 and learning.risk_model_l2 must be finite and at least 0.");
        }

        if (!(options.CanaryMarginalThreshold >= 0 && options.CanaryMarginalThreshold <= options.CanaryPassThreshold && options.CanaryPassThreshold <= 100))
        {
            failures.Add($"learning.canary_pass_threshold ({options.CanaryPassThreshold}) and learning.canary_marginal_threshold ({options.CanaryMarginalThreshold}) need 0 <= marginal <= pass <= 100.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelId();
}
