using System.Text.Json;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Diagnostics;
using Code.Experts.Serialization;
using Microsoft.Extensions.Logging;

namespace Code.Experts.Reliability;

/// <summary>
/// Keeps each expert's outcome counts in the state store under <c>{prefix}reliability/{expert}</c> and
/// turns them into a Beta posterior. Updates are compare-and-swap loops, so concurrent reports from several
/// hosts never lose a count, and each carries its consultation's id, so no consultation is counted twice.
/// </summary>
internal sealed class ReliabilityBook(IStateStore? store, ExpertsOptions options, ILogger logger)
{
    private const int MaxCasAttempts = 32;

    public bool IsDurable => store is not null;

    public ExpertReliability Prior(string expert) => Posterior(expert, new ReliabilityCounts(0, 0));

    public async Task<IReadOnlyList<ExpertReliability>> ReadAsync(IReadOnlyList<string> experts, CancellationToken cancellationToken)
    {
        var result = new ExpertReliability[experts.Count];
        for (var i = 0; i < experts.Count; i++)
        {
            result[i] = await ReadAsync(experts[i], cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public async Task<ExpertReliability> ReadAsync(string expert, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return Prior(expert);
        }

        var entry = await store.GetAsync(Key(expert), cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return Prior(expert);
        }

        if (!TryDecode(entry.Value, out var counts))
        {
            ExpertsLog.StoredRecordUnreadable(logger, entry.Key);
            return Prior(expert);
        }

        return Posterior(expert, counts);
    }

    /// <summary>
    /// Counts one outcome for an expert, once per consultation: the consultation is kept in the same record as
    /// in flight, so a repeat of an interrupted report finds it there and counts nothing.
    /// </summary>
    /// <param name="expert">The expert.</param>
    /// <param name="correct">Whether its answer was right.</param>
    /// <param name="outcome">The consultation being credited.</param>
    /// <param name="now">The current time (expired in-flight entries are dropped).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The new posterior, or <see langword="null"/> when this consultation was already counted.</returns>
    public async Task<ExpertReliability?> CreditAsync(string expert, bool correct, InFlightOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stateStore = store ?? throw new InvalidOperationException("No IStateStore is registered, so expert reliability cannot be learned.");
        var key = Key(expert);
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var entry = await stateStore.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var counts = ReadForUpdate(key, entry);
            if (InFlightOutcome.Contains(counts.InFlight, outcome.ConsultationId))
            {
                return null;
            }

            var updated = (correct ? counts with { Successes = counts.Successes + 1 } : counts with { Failures = counts.Failures + 1 })
                with { InFlight = InFlightOutcome.Add(counts.InFlight, outcome, now) };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(updated, ExpertsJson.Options);
            var write = await stateStore.CompareAndSwapAsync(key, entry?.Version ?? StateVersion.Absent, bytes, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return Posterior(expert, updated);
            }
        }

        throw new InvalidOperationException($"The reliability at '{key}' changed {MaxCasAttempts} times while it was being updated; try again.");
    }

    /// <summary>Clears a consultation from an expert's in-flight list once its report has recorded the credit.</summary>
    /// <param name="expert">The expert.</param>
    /// <param name="consultationId">The consultation.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the list no longer holds the consultation.</returns>
    public async Task AcknowledgeAsync(string expert, string consultationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stateStore = store ?? throw new InvalidOperationException("No IStateStore is registered.");
        var key = Key(expert);
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var entry = await stateStore.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (entry is null || !TryDecode(entry.Value, out var counts) || !InFlightOutcome.Contains(counts.InFlight, consultationId))
            {
                return;
            }

            var updated = counts with { InFlight = InFlightOutcome.Remove(counts.InFlight, consultationId, now) };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(updated, ExpertsJson.Options);
            if ((await stateStore.CompareAndSwapAsync(key, entry.Version, bytes, cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The reliability at '{key}' changed {MaxCasAttempts} times while it was being updated; try again.");
    }

    private static ReliabilityCounts ReadForUpdate(string key, StateEntry? entry)
    {
        var counts = new ReliabilityCounts(0, 0);
        if (entry is not null && !TryDecode(entry.Value, out counts))
        {
            throw new InvalidDataException($"The stored reliability at '{key}' is not readable; delete the key to start that expert afresh.");
        }

        return counts;
    }

    private ExpertReliability Posterior(string expert, ReliabilityCounts counts)
        => new(expert, counts.Successes, counts.Failures, options.ReliabilityPriorAlpha + counts.Successes, options.ReliabilityPriorBeta + counts.Failures);

    private string Key(string expert) => options.StateKeyPrefix + "reliability/" + expert.ToLowerInvariant();

    private static bool TryDecode(ReadOnlyMemory<byte> value, out ReliabilityCounts counts)
    {
        counts = new ReliabilityCounts(0, 0);
        try
        {
            var decoded = JsonSerializer.Deserialize<ReliabilityCounts>(value.Span, ExpertsJson.Options);
            if (decoded is null || decoded.Successes < 0 || decoded.Failures < 0)
            {
                return false;
            }

            counts = decoded;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
