using System.Collections.Concurrent;
using Code.Experts.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Code.Experts.Consultation;

/// <summary>
/// Prices a call's tokens by <c>experts.prices</c>. The model priced is the expert's configured one (so a reply that
/// names a dated id, <c>gpt-4o-mini-2024-07-18</c>, is priced as the configured <c>gpt-4o-mini</c>); the reply's id only
/// when nothing is configured. A model without a price counts as free and, when the table is not empty, is logged
/// once per model as a warning.
/// </summary>
internal sealed class CostEstimator(IDictionary<string, ModelPrice> prices, ILogger logger)
{
    private const decimal TokensPerPrice = 1_000_000m;
    private readonly ConcurrentDictionary<string, bool> _warned = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Prices one call.</summary>
    /// <param name="expert">The expert that made it.</param>
    /// <param name="model">The model priced (configured, else as replied); <see langword="null"/> when unknown.</param>
    /// <param name="tokens">The tokens it used.</param>
    /// <returns>The estimated cost; 0 without tokens or without a price.</returns>
    public decimal Price(string expert, string? model, TokenUsage tokens)
    {
        if (tokens.TotalTokens == 0)
        {
            return 0m;
        }

        if (model is not null && prices.TryGetValue(model, out var price) && price is not null)
        {
            return ((tokens.InputTokens * price.InputPerMillionTokens) + (tokens.OutputTokens * price.OutputPerMillionTokens)) / TokensPerPrice;
        }

        if (prices.Count > 0 && _warned.TryAdd(model ?? "expert:" + expert, true))
        {
            ExpertsLog.ModelNotPriced(logger, expert, model ?? "(none configured or reported)");
        }

        return 0m;
    }
}
