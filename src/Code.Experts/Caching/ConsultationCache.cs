using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Code.Core.State;
using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Serialization;

namespace Code.Experts.Caching;

/// <summary>
/// Serves identical questions within <c>experts.cache_time_to_live</c> from the state store, under
/// <c>{prefix}cache/{sha256}</c>. The hash covers the question, the strategy, peer review and the circle's
/// experts and weights, so a changed circle never gets another circle's answer. Only results with a
/// consensus are cached.
/// </summary>
internal sealed class ConsultationCache(IStateStore? store, ExpertsOptions options, TimeProvider time)
{
    public bool IsEnabled => store is not null && options.CacheTimeToLive > TimeSpan.Zero;

    public string Key(ExpertQuestion question, AggregationStrategy strategy, bool peerReview, string circleSignature)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(
            new CacheIdentity(question with { BypassCache = false, Aggregation = strategy, PeerReview = peerReview }, circleSignature),
            ExpertsJson.Options);
        return options.StateKeyPrefix + "cache/" + Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    public async Task<ConsultationResult?> TryGetAsync(string key, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return null;
        }

        var entry = await store!.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        CachedResult? cached;
        try
        {
            cached = JsonSerializer.Deserialize<CachedResult>(entry.Value.Span, ExpertsJson.Options);
        }
        catch (JsonException)
        {
            cached = null;
        }

        if (cached?.Result is null || cached.ExpiresAt <= time.GetUtcNow())
        {
            // Expired or unreadable: drop it unless someone has refreshed it meanwhile.
            await store.DeleteAsync(key, entry.Version, cancellationToken).ConfigureAwait(false);
            return null;
        }

        // Serving it spends nothing: the tokens and cost are those of this call, not of the consultation that made it.
        return cached.Result with { FromCache = true, TotalTokens = default, EstimatedCost = 0m };
    }

    public async Task PutAsync(string key, ConsultationResult result, CancellationToken cancellationToken)
    {
        if (!IsEnabled || !result.HasConsensus)
        {
            return;
        }

        var cached = new CachedResult(time.GetUtcNow() + options.CacheTimeToLive, result);
        await store!.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(cached, ExpertsJson.Options), cancellationToken).ConfigureAwait(false);
    }

    private sealed record CacheIdentity(ExpertQuestion Question, string Circle);

    private sealed record CachedResult(DateTimeOffset ExpiresAt, ConsultationResult Result);
}
