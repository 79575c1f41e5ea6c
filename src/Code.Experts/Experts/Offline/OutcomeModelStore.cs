using System.Text.Json;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Serialization;

namespace Code.Experts.Experts.Offline;

/// <summary>Keeps a learned expert's <see cref="OutcomeModel"/> in the state store under <c>{prefix}models/{expert}</c>, updated with compare-and-swap.</summary>
internal sealed class OutcomeModelStore(IStateStore store, string prefix)
{
    private const int MaxCasAttempts = 32;

    public async Task<OutcomeModel> ReadAsync(string expert, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(Key(expert), cancellationToken).ConfigureAwait(false);
        return entry is null ? new OutcomeModel() : Decode(entry.Key, entry.Value);
    }

    public async Task<OutcomeModel> LearnAsync(
        string expert, IReadOnlyList<Evidence> evidence, IReadOnlyList<string> choices, string truth, double learningRate, CancellationToken cancellationToken)
    {
        var key = Key(expert);
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var model = entry is null ? new OutcomeModel() : Decode(key, entry.Value);
            model.Learn(evidence, choices, truth, learningRate);
            var write = await store.CompareAndSwapAsync(
                key, entry?.Version ?? StateVersion.Absent, JsonSerializer.SerializeToUtf8Bytes(model, ExpertsJson.Options), cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return model;
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
