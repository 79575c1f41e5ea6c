using System.Text.Json;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Reliability;
using Code.Experts.Serialization;

namespace Code.Experts.Experts.Offline;

/// <summary>
/// Keeps a learned expert's <see cref="OutcomeModel"/> in the state store under <c>{prefix}models/{expert}</c>, updated with
/// compare-and-swap; each update carries its consultation's id, so no outcome is learned twice.
/// </summary>
internal sealed class OutcomeModelStore(IStateStore store, string prefix)
{
    private const int MaxCasAttempts = 32;

    public async Task<OutcomeModel> ReadAsync(string expert, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(Key(expert), cancellationToken).ConfigureAwait(false);
        return entry is null ? new OutcomeModel() : Decode(entry.Key, entry.Value);
    }

    /// <summary>Learns from one reported outcome, once per consultation (the consultation is kept in the model as in flight).</summary>
    /// <param name="expert">The learned expert.</param>
    /// <param name="outcome">The consultation being learned from.</param>
    /// <param name="evidence">Its evidence.</param>
    /// <param name="choices">Its choices.</param>
    /// <param name="truth">The choice that turned out right.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="now">The current time (expired in-flight entries are dropped).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether this call learned (false: this consultation was already learned from).</returns>
    public async Task<bool> LearnAsync(
        string expert,
        InFlightOutcome outcome,
        IReadOnlyList<Evidence> evidence,
        IReadOnlyList<string> choices,
        string truth,
        double learningRate,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var key = Key(expert);
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var model = entry is null ? new OutcomeModel() : Decode(key, entry.Value);
            if (InFlightOutcome.Contains(model.InFlight, outcome.ConsultationId))
            {
                return false;
            }

            model.Learn(evidence, choices, truth, learningRate);
            model.InFlight = InFlightOutcome.Add(model.InFlight, outcome, now);
            var write = await store.CompareAndSwapAsync(
                key, entry?.Version ?? StateVersion.Absent, JsonSerializer.SerializeToUtf8Bytes(model, ExpertsJson.Options), cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return true;
            }
        }

        throw new InvalidOperationException($"The model at '{key}' changed {MaxCasAttempts} times while it was being updated; try again.");
    }

    /// <summary>Clears a consultation from the model's in-flight list once its report has recorded the credit.</summary>
    /// <param name="expert">The learned expert.</param>
    /// <param name="consultationId">The consultation.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the list no longer holds the consultation.</returns>
    public async Task AcknowledgeAsync(string expert, string consultationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = Key(expert);
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return;
            }

            var model = Decode(key, entry.Value);
            if (!InFlightOutcome.Contains(model.InFlight, consultationId))
            {
                return;
            }

            model.InFlight = InFlightOutcome.Remove(model.InFlight, consultationId, now);
            var write = await store.CompareAndSwapAsync(key, entry.Version, JsonSerializer.SerializeToUtf8Bytes(model, ExpertsJson.Options), cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The model at '{key}' changed {MaxCasAttempts} times while it was being updated; try again.");
    }

    private string Key(string expert) => prefix + "models/" + expert.ToLowerInvariant();

    private static OutcomeModel Decode(string key, ReadOnlyMemory<byte> value)
    {
        try
        {
            return JsonSerializer.Deserialize<OutcomeModel>(value.Span, ExpertsJson.Options)
                ?? throw new InvalidDataException($"The stored model at '{key}' is empty.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The stored model at '{key}' is not readable; delete the key to start that expert afresh.", exception);
        }
    }
}
