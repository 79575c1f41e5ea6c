using System.Globalization;
using System.Text.Json;
using Code.Experts.Consultation;

namespace Code.Experts.Verdicts;

/// <summary>
/// Reads <c>{"answer": ..., "confidence": ..., "rationale": ...}</c> from a reply, leniently in form (code fences
/// and prose around it, other spellings of the property names, a confidence as a string or a percentage, a
/// choice in another case or with punctuation) and strictly in substance: the whole reply must hold exactly one
/// verdict naming one answer. Anything else is unusable, with the reason.
/// </summary>
internal static class VerdictParser
{
    public const int MaxRationaleLength = 2_000;
    public const int MaxFreeTextAnswerLength = 4_000;
    public const double DefaultConfidence = 0.5;

    /// <summary>The smallest bare number (no <c>%</c>) read as a percentage.</summary>
    public const double MinBarePercentage = 10;

    private static readonly string[] AnswerNames = ["answer", "decision", "choice", "verdict"];
    private static readonly string[] ConfidenceNames = ["confidence", "certainty"];
    private static readonly string[] RationaleNames = ["rationale", "reason", "reasoning", "explanation"];
    private static readonly string[] AbstainNames = ["abstain", "abstained"];

    public static ParsedVerdict Parse(string? reply, IReadOnlyList<string> choices, int maxReplyCharacters)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return ParsedVerdict.Unusable("the reply was empty");
        }

        if (reply.Length > maxReplyCharacters)
        {
            return ParsedVerdict.Unusable(string.Create(CultureInfo.InvariantCulture, $"the reply is {reply.Length} characters; at most {maxReplyCharacters} are read"));
        }

        // The whole reply is read: a verdict quoted from the evidence next to the expert's own is two verdicts, and
        // the circle cannot tell which one is the expert's, so the reply is unusable (and re-asked) instead of
        // trusting whichever comes first.
        using var found = LenientJson.FindAll(reply, e => LenientJson.TryGetProperty(e, AnswerNames, out _) || LenientJson.TryGetProperty(e, AbstainNames, out _));
        if (found.Incomplete)
        {
            return ParsedVerdict.Unusable(string.Create(CultureInfo.InvariantCulture, $"the reply holds more than {LenientJson.MaxFailedStarts} '{{' that start no JSON object, so it cannot be read in full"));
        }

        if (found.Matches.Count == 0)
        {
            return ParsedVerdict.Unusable("the reply held no JSON object with an \"answer\" property");
        }

        if (found.Matches.Count > 1)
        {
            return ParsedVerdict.Unusable(string.Create(
                CultureInfo.InvariantCulture,
                $"the reply held {found.Matches.Count} JSON verdicts ({Describe(found.Matches)}); reply with exactly one, and do not repeat verdicts quoted in the evidence"));
        }

        var root = found.Matches[0]!.RootElement;
        var rationale = ReadRationale(root);
        var answers = LenientJson.AllProperties(root, AnswerNames);
        if (answers.Count > 1)
        {
            return ParsedVerdict.Unusable($"the verdict names more than one answer ({string.Join(", ", answers.Select(a => Cut(a.GetRawText(), 40)))}); give one \"answer\"");
        }

        var answerElement = answers.Count == 1 ? answers[0] : default;
        var abstained = LenientJson.TryGetProperty(root, AbstainNames, out var abstain) && abstain.ValueKind == JsonValueKind.True;
        if (answerElement.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return abstained
                ? new ParsedVerdict(null, 0, rationale, Abstained: true, Problem: null)
                : ParsedVerdict.Unusable("\"answer\" was missing or null");
        }

        if (answerElement.ValueKind != JsonValueKind.String)
        {
            return ParsedVerdict.Unusable($"\"answer\" must be a string; got {answerElement.ValueKind}");
        }

        var rawAnswer = answerElement.GetString()!.Trim();
        if (abstained)
        {
            return ParsedVerdict.Unusable($"\"abstain\" is true but \"answer\" is '{Cut(rawAnswer, 80)}'; either answer or abstain");
        }

        string? answer;
        if (choices.Count > 0)
        {
            answer = MatchChoice(rawAnswer, choices);
            if (answer is null)
            {
                return ParsedVerdict.Unusable($"\"answer\" '{Cut(rawAnswer, 80)}' is not one of: {string.Join(", ", choices)}");
            }
        }
        else
        {
            if (rawAnswer.Length == 0)
            {
                return ParsedVerdict.Unusable("\"answer\" was empty");
            }

            answer = Cut(rawAnswer, MaxFreeTextAnswerLength);
        }

        var confidence = DefaultConfidence;
        if (LenientJson.TryGetProperty(root, ConfidenceNames, out var confidenceElement)
            && confidenceElement.ValueKind != JsonValueKind.Null)
        {
            var problem = ReadConfidence(confidenceElement, out confidence);
            if (problem is not null)
            {
                return ParsedVerdict.Unusable(problem);
            }
        }

        return new ParsedVerdict(answer, confidence, rationale, Abstained: false, Problem: null);
    }

    /// <summary>Finds the choice a model meant: same text ignoring case, quotes, spacing and trailing punctuation.</summary>
    /// <param name="raw">The model's answer.</param>
    /// <param name="choices">The question's choices.</param>
    /// <returns>The choice as the question spells it, or <see langword="null"/>.</returns>
    public static string? MatchChoice(string raw, IReadOnlyList<string> choices)
    {
        var normalized = AnswerText.Normalize(raw);
        foreach (var choice in choices)
        {
            if (string.Equals(AnswerText.Normalize(choice), normalized, StringComparison.Ordinal))
            {
                return choice;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads a confidence: a number in [0, 1]; a percentage with a <c>%</c> sign (<c>"85%"</c>, <c>"1.5%"</c>); or a
    /// bare number from 10 to 100, read as a percentage (<c>85</c>). A bare number above 1 and below 10 (<c>1.5</c>,
    /// <c>7</c>) is ambiguous (out of range, a 0-10 scale, or a percentage) and is refused, so the repair re-ask
    /// asks again rather than the circle guessing.
    /// </summary>
    private static string? ReadConfidence(JsonElement element, out double confidence)
    {
        const string Expected = "\"confidence\" must be a number in [0, 1] (or a percentage such as \"85%\")";
        confidence = 0;
        double value;
        var percent = false;
        if (element.ValueKind == JsonValueKind.Number)
        {
            value = element.GetDouble();
        }
        else if (element.ValueKind == JsonValueKind.String)
        {
            var text = element.GetString()!.Trim();
            if (text.EndsWith('%'))
            {
                percent = true;
                text = text[..^1].Trim();
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                return $"{Expected}; got {Cut(element.GetRawText(), 40)}";
            }
        }
        else
        {
            return $"{Expected}; got {Cut(element.GetRawText(), 40)}";
        }

        if (!double.IsFinite(value) || value < 0)
        {
            return $"{Expected}; got {Cut(element.GetRawText(), 40)}";
        }

        if (!percent && value > 1 && value < MinBarePercentage)
        {
            return string.Create(CultureInfo.InvariantCulture, $"\"confidence\" {value} is ambiguous: give a number from 0 to 1");
        }

        if (percent || value > 1)
        {
            value /= 100;
        }

        if (value > 1)
        {
            return $"{Expected}; got {Cut(element.GetRawText(), 40)}";
        }

        confidence = value;
        return null;
    }

    private static string Describe(IReadOnlyList<JsonDocument?> verdicts)
        => string.Join(", ", verdicts.Select(v => v is not null && LenientJson.TryGetProperty(v.RootElement, AnswerNames, out var a) ? Cut(a.GetRawText(), 40) : "an abstention"));

    private static string? ReadRationale(JsonElement root)
        => LenientJson.TryGetProperty(root, RationaleNames, out var element) && element.ValueKind == JsonValueKind.String
            ? Cut(element.GetString()!.Trim(), MaxRationaleLength)
            : null;

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
