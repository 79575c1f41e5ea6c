using System.Text.Json;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Serialization;

namespace Code.Experts.Caching;

/// <summary>
/// Deletes the circle's expired state-store entries (cached results past their TTL, consultation records past
/// <c>experts.consultation_retention</c>): both carry an <c>expiresAt</c>. Unreadable entries under those prefixes
/// are deleted too. Runs at most once per <see cref="Interval"/>, started after a consultation.
/// </summary>
internal sealed class ExpiredEntrySweeper(IStateStore? store, ExpertsOptions options, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private const int PageSize = 500;

    private long _nextSweepTicks = time.GetUtcNow().UtcTicks + Interval.Ticks;

    /// <summary>Claims the next sweep when it is due; only one caller gets <see langword="true"/> per interval.</summary>
    /// <returns>Whether the caller should sweep now.</returns>
    public bool TryClaim()
    {
        if (store is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextSweepTicks);
        return now >= due && Interlocked.CompareExchange(ref _nextSweepTicks, now + Interval.Ticks, due) == due;
    }

    /// <summary>Deletes every expired or unreadable entry under the cache and consultation prefixes.</summary>
    /// <param name="cancellationToken">Stops the sweep.</param>
    /// <returns>The number of entries deleted.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return 0;
        }

        var deleted = 0;
        foreach (var prefix in new[] { options.StateKeyPrefix + "cache/", options.StateKeyPrefix + "consultations/" })
        {
            string? after = null;
            do
            {
                var page = await store.ScanAsync(prefix, after, PageSize, cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                foreach (var entry in page.Entries)
                {
                    if (IsExpired(entry.Value, now)
                        && (await store.DeleteAsync(entry.Key, entry.Version, cancellationToken).ConfigureAwait(false)).Succeeded)
                    {
                        deleted++;
                    }
                }

                after = page.ContinuationKey;
            }
            while (after is not null);
        }

        return deleted;
    }

    private static bool IsExpired(ReadOnlyMemory<byte> value, DateTimeOffset now)
    {
        try
        {
            var probe = JsonSerializer.Deserialize<Expiring>(value.Span, ExpertsJson.Options);
            return probe is null || probe.ExpiresAt <= now;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private sealed record Expiring(DateTimeOffset ExpiresAt);
}
