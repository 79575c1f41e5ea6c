using System.Globalization;
using System.Text.Json;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Diagnostics;
using Code.Experts.Experts.Offline;
using Code.Experts.Serialization;
using Code.Experts.Verdicts;
using Microsoft.Extensions.Logging;

namespace Code.Experts.Reliability;

/// <summary>
/// Keeps consultation records under <c>{prefix}consultations/{id}</c> and applies each reported outcome exactly
/// once. The first report fixes the outcome and lists its credits as pending (one compare-and-swap); each credit
/// is then applied on its own (an expert's counts, a learned model), recorded in the target together with the
/// consultation's id, and only then struck from the pending list. A failure stops only its own credit; a repeat
/// of the report applies what is still pending, and the id in the target keeps a credit that was applied but
/// not yet struck from being applied twice.
/// </summary>
internal sealed class ConsultationLedger(
    IStateStore? store, ReliabilityBook book, IReadOnlyList<OfflineChatClient> learners, ExpertsOptions options, TimeProvider time, ILogger logger)
{
    private const int MaxIdLength = 100;
    private const int MaxCasAttempts = 32;
    private const string ReliabilityCredit = "reliability/";
    private const string ModelCredit = "models/";

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

    /// <summary>Records the outcome (on the first report) and applies every credit still pending.</summary>
    /// <param name="consultationId">The consultation.</param>
    /// <param name="correctAnswer">The true answer.</param>
    /// <param name="cancellationToken">Cancels the report until the outcome is recorded; credits are then applied regardless.</param>
    /// <returns>The report.</returns>
    /// <exception cref="AggregateException">Some credits could not be applied; they stay pending for a repeat of the report.</exception>
    public async Task<OutcomeReport> ReportAsync(string consultationId, string correctAnswer, CancellationToken cancellationToken)
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
        var (record, first) = await RecordOutcomeAsync(stateStore, key, consultationId, correctAnswer, cancellationToken).ConfigureAwait(false);
        if (record.Outcome is null || record.Pending is not { Count: > 0 } pending)
        {
            // Fully applied before (or reported by a version that applied credits before marking them).
            return new OutcomeReport(consultationId, AlreadyReported: !first, []);
        }

        var outcome = new InFlightOutcome(consultationId, record.ExpiresAt);
        var updated = new List<ExpertReliability>();
        var failures = new List<(string Credit, Exception Error)>();
        foreach (var credit in pending)
        {
            try
            {
                if (await ApplyAsync(credit, outcome, record, CancellationToken.None).ConfigureAwait(false) is { } reliability)
                {
                    updated.Add(reliability);
                }

                await StrikeAsync(stateStore, key, credit).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                failures.Add((credit, exception));
                continue;
            }

            try
            {
                await AcknowledgeAsync(credit, consultationId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // The credit is applied and struck; only the id left in the target remains, dropped when the consultation expires.
                ExpertsLog.CreditNotAcknowledged(logger, credit, consultationId, exception);
            }
        }

        if (failures.Count > 0)
        {
            var failed = string.Join("; ", failures.Select(f => $"{f.Credit} ({f.Error.GetType().Name}: {f.Error.Message})"));
            throw new AggregateException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The outcome '{record.Outcome}' of consultation '{consultationId}' is recorded, but {failures.Count} of {pending.Count} credits could not be applied: {failed}. Report the outcome again to apply them; credits already applied are not counted twice."),
                failures.Select(f => f.Error));
        }

        return new OutcomeReport(consultationId, AlreadyReported: !first, updated);
    }

    /// <summary>Reads the record, checks the report, and on the first report fixes the outcome and its pending credits.</summary>
    private async Task<(ConsultationRecord Record, bool First)> RecordOutcomeAsync(
        IStateStore stateStore, string key, string consultationId, string correctAnswer, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var entry = await stateStore.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var record = entry is null ? null : Decode(entry.Value);
            if (entry is null || record is null || record.ExpiresAt <= time.GetUtcNow())
            {
                throw new ArgumentException(
                    $"No decision consultation '{consultationId}' is recorded: it is unknown, was a free-text question, or is older than experts.consultation_retention.",
                    nameof(consultationId));
            }

            var truth = VerdictParser.MatchChoice(correctAnswer, record.Choices) ?? throw new ArgumentException(
                $"correctAnswer '{correctAnswer}' is not one of the consultation's choices: {string.Join(", ", record.Choices)}.",
                nameof(correctAnswer));
            if (record.Reported)
            {
                // The first report's outcome stands; a repeat only finishes its pending credits.
                return (record, false);
            }

            var pending = record.Answers.Keys.Select(e => ReliabilityCredit + e).Concat(learners.Select(l => ModelCredit + l.Name)).ToArray();
            var marked = record with { Reported = true, Outcome = truth, Pending = pending };
            var write = await stateStore.CompareAndSwapAsync(key, entry.Version, JsonSerializer.SerializeToUtf8Bytes(marked, ExpertsJson.Options), cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return (marked, true);
            }

            // A concurrent report changed the record: read it again.
        }

        throw new InvalidOperationException($"The consultation record at '{key}' changed {MaxCasAttempts} times while its outcome was being reported; try again.");
    }

    /// <summary>Applies one credit; returns the expert's new reliability when this call changed it.</summary>
    private async Task<ExpertReliability?> ApplyAsync(string credit, InFlightOutcome outcome, ConsultationRecord record, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (credit.StartsWith(ReliabilityCredit, StringComparison.Ordinal))
        {
            var expert = credit[ReliabilityCredit.Length..];
            if (!record.Answers.TryGetValue(expert, out var answer))
            {
                return null;
            }

            return await book.CreditAsync(expert, string.Equals(answer, record.Outcome, StringComparison.Ordinal), outcome, now, cancellationToken).ConfigureAwait(false);
        }

        // A learned expert that is no longer in the circle has nothing to learn; its credit is struck.
        var learner = learners.FirstOrDefault(l => string.Equals(ModelCredit + l.Name, credit, StringComparison.Ordinal));
        if (learner is not null)
        {
            await learner.LearnAsync(outcome, record.Evidence ?? [], record.Choices, record.Outcome!, now, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    private Task AcknowledgeAsync(string credit, string consultationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (credit.StartsWith(ReliabilityCredit, StringComparison.Ordinal))
        {
            return book.AcknowledgeAsync(credit[ReliabilityCredit.Length..], consultationId, now, cancellationToken);
        }

        var learner = learners.FirstOrDefault(l => string.Equals(ModelCredit + l.Name, credit, StringComparison.Ordinal));
        return learner is null ? Task.CompletedTask : learner.AcknowledgeAsync(consultationId, now, cancellationToken);
    }

    /// <summary>Strikes an applied credit from the record's pending list.</summary>
    private static async Task StrikeAsync(IStateStore stateStore, string key, string credit)
    {
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var entry = await stateStore.GetAsync(key, CancellationToken.None).ConfigureAwait(false);
            if (entry is null || Decode(entry.Value) is not { } record || record.Pending is null || !record.Pending.Contains(credit, StringComparer.Ordinal))
            {
                return;
            }

            var struck = record with { Pending = record.Pending.Where(c => !string.Equals(c, credit, StringComparison.Ordinal)).ToArray() };
            var write = await stateStore.CompareAndSwapAsync(key, entry.Version, JsonSerializer.SerializeToUtf8Bytes(struck, ExpertsJson.Options), CancellationToken.None).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The consultation record at '{key}' changed {MaxCasAttempts} times while a credit was being struck; report the outcome again.");
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
