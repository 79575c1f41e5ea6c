using System.Text.Json;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Serialization;
using Code.Experts.Verdicts;

namespace Code.Experts.Reliability;

/// <summary>
/// Keeps consultation records under <c>{prefix}consultations/{id}</c> and applies reported outcomes to the
/// reliability book exactly once: the record is marked reported (compare-and-swap) before any count changes.
/// </summary>
internal sealed class ConsultationLedger(IStateStore? store, ReliabilityBook book, ExpertsOptions options, TimeProvider time)
{
    private const int MaxIdLength = 100;

    public bool IsDurable => store is not null;

    public async Task SaveAsync(string consultationId, ExpertQuestion question, IEnumerable<ExpertOpinion> opinions, CancellationToken cancellationToken)
    {
        if (store is null || question.Kind != AnswerKind.Decision)
        {
            return;
        }

        var answers = opinions.Where(o => o.IsValid).ToDictionary(o => o.Expert, o => o.Answer!, StringComparer.Ordinal);
        var record = new ConsultationRecord(
            question.Choices, answers, time.GetUtcNow() + options.ConsultationRetention, Evidence: question.Evidence.Where(e => e.Value is not null).ToArray());
        await store.PutAsync(Key(consultationId), JsonSerializer.SerializeToUtf8Bytes(record, ExpertsJson.Options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the consultation reported and updates the reliability of each expert that answered it.</summary>
    /// <param name="consultationId">The consultation.</param>
    /// <param name="correctAnswer">The true answer.</param>
    /// <param name="cancellationToken">Cancels the report until the record is marked.</param>
    /// <returns>The report, and the record with the true answer when this call applied it.</returns>
    public async Task<(OutcomeReport Report, ConsultationRecord? Applied, string? Truth)> ReportAsync(string consultationId, string correctAnswer, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consultationId);
        ArgumentNullException.ThrowIfNull(correctAnswer);
        var stateStore = store ?? throw new InvalidOperationException(
            "No IStateStore is registered, so outcomes cannot be recorded; register a state store with AddCode() to learn expert reliability.");
        if (consultationId.Length > MaxIdLength)
        {
            throw new ArgumentException($"consultationId is {consultationId.Length} characters; ids are at most {MaxIdLength}.", nameof(consultationId));
        }

        var key = Key(consultationId);
        var entry = await stateStore.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var record = entry is null ? null : Decode(entry.Value);
        if (entry is null || record is null || record.ExpiresAt <= time.GetUtcNow())
        {
            throw new ArgumentException(
                $"No decision consultation '{consultationId}' is recorded: it is unknown, was a free-text question, or is older than Experts:ConsultationRetention.",
                nameof(consultationId));
        }

        var truth = VerdictParser.MatchChoice(correctAnswer, record.Choices) ?? throw new ArgumentException(
            $"correctAnswer '{correctAnswer}' is not one of the consultation's choices: {string.Join(", ", record.Choices)}.",
            nameof(correctAnswer));
        if (record.Reported)
        {
            return (new OutcomeReport(consultationId, AlreadyReported: true, []), null, null);
        }

        var marked = await stateStore.CompareAndSwapAsync(
            key, entry.Version, JsonSerializer.SerializeToUtf8Bytes(record with { Reported = true }, ExpertsJson.Options), cancellationToken).ConfigureAwait(false);
        if (!marked.Succeeded)
        {
            // Someone else changed the record since we read it: only a concurrent report does that.
            return (new OutcomeReport(consultationId, AlreadyReported: true, []), null, null);
        }

        var updated = new List<ExpertReliability>(record.Answers.Count);
        foreach (var (expert, answer) in record.Answers)
        {
            var correct = string.Equals(answer, truth, StringComparison.Ordinal);
            updated.Add(await book.RecordAsync(expert, correct, CancellationToken.None).ConfigureAwait(false));
        }

        return (new OutcomeReport(consultationId, AlreadyReported: false, updated), record, truth);
    }

    private string Key(string consultationId) => options.StateKeyPrefix + "consultations/" + consultationId;

    private static ConsultationRecord? Decode(ReadOnlyMemory<byte> value)
    {
        try
        {
            return JsonSerializer.Deserialize<ConsultationRecord>(value.Span, ExpertsJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
