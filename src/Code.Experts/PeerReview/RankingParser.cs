using System.Globalization;
using System.Text.Json;
using Code.Experts.Verdicts;

namespace Code.Experts.PeerReview;

/// <summary>
/// Reads <c>{"ranking": ["B", "A", "C"]}</c> from a reply, leniently (code fences, prose, <c>"Answer B"</c>,
/// lower case, or one string such as <c>"B > A > C"</c>). The whole reply must hold exactly one ranking, naming every
/// label exactly once.
/// </summary>
internal static class RankingParser
{
    private static readonly string[] RankingNames = ["ranking", "rankings", "order", "rank"];

    /// <summary>Parses a ranking.</summary>
    /// <param name="reply">The reply.</param>
    /// <param name="labels">The labels shown to the reviewer.</param>
    /// <param name="maxReplyCharacters">The longest reply read.</param>
    /// <param name="ranking">The labels, best first.</param>
    /// <returns>Why the reply is unusable, or <see langword="null"/>.</returns>
    public static string? TryParse(string? reply, IReadOnlyList<string> labels, int maxReplyCharacters, out IReadOnlyList<string> ranking)
    {
        ranking = [];
        if (string.IsNullOrWhiteSpace(reply))
        {
            return "the reply was empty";
        }

        if (reply.Length > maxReplyCharacters)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the reply is {reply.Length} characters; at most {maxReplyCharacters} are read");
        }

        // The whole reply is read: a ranking quoted from another answer's rationale next to the reviewer's own makes
        // the reply unusable rather than letting the first one count.
        using var found = LenientJson.FindAll(reply, e => LenientJson.TryGetProperty(e, RankingNames, out _));
        if (found.Incomplete)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the reply holds more than {LenientJson.MaxFailedStarts} '{{' that start no JSON object, so it cannot be read in full");
        }

        if (found.Matches.Count == 0)
        {
            return "the reply held no JSON object with a \"ranking\" property";
        }

        if (found.Matches.Count > 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the reply held {found.Matches.Count} JSON rankings; reply with exactly one");
        }

        var rankings = LenientJson.AllProperties(found.Matches[0]!.RootElement, RankingNames);
        if (rankings.Count > 1)
        {
            return "the reply names more than one ranking; give one \"ranking\"";
        }

        var element = rankings[0];
        var items = new List<string>();
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return "\"ranking\" must hold label strings";
                }

                items.Add(item.GetString()!);
            }
        }
        else if (element.ValueKind == JsonValueKind.String)
        {
            items.AddRange(element.GetString()!.Split(['>', ',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        else
        {
            return "\"ranking\" must be an array of labels";
        }

        var known = new HashSet<string>(labels, StringComparer.Ordinal);
        var result = new List<string>(labels.Count);
        foreach (var item in items)
        {
            var label = NormalizeLabel(item);
            if (!known.Contains(label))
            {
                return $"\"ranking\" names '{(item.Length > 20 ? item[..20] : item)}', which is not one of the labels {string.Join(", ", labels)}";
            }

            if (result.Contains(label))
            {
                return $"\"ranking\" names {label} twice";
            }

            result.Add(label);
        }

        var missing = labels.Where(l => !result.Contains(l)).ToList();
        if (missing.Count > 0)
        {
            return $"\"ranking\" leaves out {string.Join(", ", missing)}; rank every label";
        }

        ranking = result;
        return null;
    }

    private static string NormalizeLabel(string item)
    {
        var text = item.Trim().Trim('"', '\'', '(', ')', '[', ']', '.', '*');
        if (text.StartsWith("answer", StringComparison.OrdinalIgnoreCase))
        {
            text = text[6..].Trim();
        }

        return text.ToUpperInvariant();
    }
}
