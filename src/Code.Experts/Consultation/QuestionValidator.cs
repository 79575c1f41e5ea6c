using System.Globalization;
using Code.Experts.Aggregation;

namespace Code.Experts.Consultation;

/// <summary>Checks a question before any expert sees it; the error names the field (<c>question.choices[2]</c>).</summary>
internal static class QuestionValidator
{
    public static void Validate(ExpertQuestion question, int maxQuestionCharacters)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(question.Prompt))
        {
            throw Error("question.prompt is required and must not be blank.");
        }

        long size = question.Prompt.Length;
        var choices = question.Choices ?? throw Error("question.choices must be a list (empty for free text), not null.");
        if (choices.Count == 1)
        {
            throw Error("question.choices has one choice; a decision needs at least two (or none for free text).");
        }

        if (choices.Count > ExpertsDefaults.MaxChoices)
        {
            throw Error(Invariant($"question.choices has {choices.Count} choices; at most {ExpertsDefaults.MaxChoices} are allowed."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < choices.Count; i++)
        {
            var choice = choices[i];
            if (string.IsNullOrWhiteSpace(choice) || choice.Length > ExpertsDefaults.MaxChoiceLength)
            {
                throw Error(Invariant($"question.choices[{i}] must be 1 to {ExpertsDefaults.MaxChoiceLength} characters, not blank."));
            }

            if (!seen.Add(Verdicts.AnswerText.Normalize(choice)))
            {
                throw Error(Invariant($"question.choices[{i}] '{choice}' repeats an earlier choice (choices are compared ignoring case and punctuation)."));
            }

            size += choice.Length;
        }

        var evidence = question.Evidence ?? throw Error("question.evidence must be a list, not null.");
        if (evidence.Count > ExpertsDefaults.MaxEvidenceItems)
        {
            throw Error(Invariant($"question.evidence has {evidence.Count} items; at most {ExpertsDefaults.MaxEvidenceItems} are allowed."));
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < evidence.Count; i++)
        {
            var item = evidence[i] ?? throw Error(Invariant($"question.evidence[{i}] is null."));
            if (string.IsNullOrWhiteSpace(item.Name) || item.Name.Length > ExpertsDefaults.MaxEvidenceNameLength)
            {
                throw Error(Invariant($"question.evidence[{i}].name must be 1 to {ExpertsDefaults.MaxEvidenceNameLength} characters, not blank."));
            }

            if (!names.Add(item.Name))
            {
                throw Error(Invariant($"question.evidence[{i}].name '{item.Name}' is used twice."));
            }

            if ((item.Value is null) == (item.Text is null))
            {
                throw Error(Invariant($"question.evidence[{i}] ('{item.Name}') must have exactly one of value (a number) or text."));
            }

            if (item.Value is { } value && !double.IsFinite(value))
            {
                throw Error(Invariant($"question.evidence[{i}].value ('{item.Name}') must be a finite number."));
            }

            if (item.Unit is { Length: > 32 })
            {
                throw Error(Invariant($"question.evidence[{i}].unit ('{item.Name}') is longer than 32 characters."));
            }

            size += item.Name.Length + (item.Text?.Length ?? 0);
        }

        if (size > maxQuestionCharacters)
        {
            throw Error(Invariant($"question is {size} characters (prompt, choices and evidence); experts.max_question_characters allows {maxQuestionCharacters}."));
        }

        if (question.Aggregation is { } aggregation && !Enum.IsDefined(aggregation))
        {
            throw Error(Invariant($"question.aggregation {(int)aggregation} is not a known strategy."));
        }
    }

    public static void RequireChairman(AggregationStrategy strategy, string? chairman)
    {
        if (strategy == AggregationStrategy.Chairman && chairman is null)
        {
            throw Error("question.aggregation is chairman but experts.chairman names no expert.");
        }
    }

    private static ArgumentException Error(string message) => new(message);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
