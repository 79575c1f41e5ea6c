using Code.Experts.Verdicts;

namespace Code.Experts.Experts.Offline;

/// <summary>Maps a rule severity onto a question's own choices by their meaning (promote, proceed, approve; hold, pause; rollback, abort, reject).</summary>
internal static class ChoiceMapper
{
    private static readonly string[] PromoteWords = ["promote", "proceed", "approve", "continue", "go", "yes", "ship", "accept", "pass", "deploy"];
    private static readonly string[] HoldWords = ["hold", "pause", "wait", "defer", "delay", "marginal", "investigate"];
    private static readonly string[] RollbackWords = ["rollback", "roll back", "abort", "reject", "revert", "no", "stop", "fail", "cancel"];

    /// <summary>Finds the choice for a severity; hold falls back to the rollback choice (the cautious side) when the question has no hold.</summary>
    /// <param name="severity">The severity.</param>
    /// <param name="choices">The question's choices; empty for free text (the severity word is the answer).</param>
    /// <returns>The answer, or <see langword="null"/> when no choice means it.</returns>
    public static string? Map(Severity severity, IReadOnlyList<string> choices)
    {
        if (choices.Count == 0)
        {
            return severity.ToString().ToLowerInvariant();
        }

        return severity switch
        {
            Severity.Promote => Find(choices, PromoteWords),
            Severity.Hold => Find(choices, HoldWords) ?? Find(choices, RollbackWords),
            _ => Find(choices, RollbackWords),
        };
    }

    /// <summary>Gets the severity a choice means, if any.</summary>
    /// <param name="answer">An answer.</param>
    /// <returns>The severity, or <see langword="null"/>.</returns>
    public static Severity? Meaning(string answer)
    {
        string[] choice = [answer];
        return Find(choice, PromoteWords) is not null ? Severity.Promote
            : Find(choice, HoldWords) is not null ? Severity.Hold
            : Find(choice, RollbackWords) is not null ? Severity.Rollback
            : null;
    }

    private static string? Find(IReadOnlyList<string> choices, string[] words)
    {
        foreach (var word in words)
        {
            foreach (var choice in choices)
            {
                var normalized = AnswerText.Normalize(choice);
                if (normalized == word || normalized.StartsWith(word + " ", StringComparison.Ordinal))
                {
                    return choice;
                }
            }
        }

        return null;
    }
}
