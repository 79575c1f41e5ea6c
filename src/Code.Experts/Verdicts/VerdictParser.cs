using System.Globalization;
using System.Text.Json;
using Code.Experts.Consultation;

namespace Code.Experts.Verdicts;

/// <summary>
/// Reads <c>{"answer": ..., "confidence": ..., "rationale": ...}</c> from a reply, leniently: code fences
/// and prose around it, other spellings of the property names, a confidence as a string or a percentage,
/// a choice in another case or with punctuation. Anything else is unusable, with the reason.
/// </summary>
internal static class VerdictParser
{
    public const int MaxRationaleLength = 2_000;
    public const int MaxFreeTextAnswerLength = 4_000;
    public const double DefaultConfidence = 0.5;

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

        var text = reply.Length > maxReplyCharacters ? reply[..maxReplyCharacters] : reply;
        using var document = LenientJson.FindObject(
            text,
            e => LenientJson.TryGetProperty(e, AnswerNames, out _) || LenientJson.TryGetProperty(e, AbstainNames, out _));
        if (document is null)
        {
            return ParsedVerdict.Unusable("the reply held no JSON object with an \"answer\" property");
        }

        var root = document.RootElement;
        var rationale = ReadRationale(root);
        LenientJson.TryGetProperty(root, AnswerNames, out var answerElement);
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
            if (!TryReadConfidence(confidenceElement, out confidence))
            {
                return ParsedVerdict.Unusable($"\"confidence\" must be a number in [0, 1] (or a percentage); got {Cut(confidenceElement.GetRawText(), 40)}");
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

    private static bool TryReadConfidence(JsonElement element, out double confidence)
    {
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
                return false;
            }
        }
        else
        {
            return false;
        }

        if (!double.IsFinite(value) || value < 0)
        {
            return false;
        }

        if (percent || (value > 1 && value <= 100))
        {
            value /= 100;
        }

        if (value > 1)
        {
            return false;
        }

        confidence = value;
        return true;
    }

    private static string? ReadRationale(JsonElement root)
        => LenientJson.TryGetProperty(root, RationaleNames, out var element) && element.ValueKind == JsonValueKind.String
            ? Cut(element.GetString()!.Trim(), MaxRationaleLength)
            : null;

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
