using Microsoft.Extensions.AI;

namespace Code.Experts.Experts.Offline;

/// <summary>Creates the built-in rule-based experts as <see cref="IChatClient"/>s, for use inside or outside a circle.</summary>
public static class OfflineExperts
{
    /// <summary>Creates a rule-based offline expert.</summary>
    /// <param name="kind">Its rule set; the learned kind needs the circle's state store, so it is added with <c>AddOfflineExpert</c> only.</param>
    /// <param name="options">Its thresholds; <see langword="null"/> for the defaults.</param>
    /// <returns>A chat client that answers the circle's tasks from its rules, without a network.</returns>
    public static IChatClient CreateClient(OfflineExpertKind kind, OfflineExpertOptions? options = null)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown offline expert kind.");
        }

        if (kind == OfflineExpertKind.LearnedOutcome)
        {
            throw new ArgumentException("The learned expert keeps its model in the circle's state store and learns from the circle's outcomes; add it with AddOfflineExpert(name, OfflineExpertKind.LearnedOutcome).", nameof(kind));
        }

        return new OfflineChatClient(kind, options ?? new OfflineExpertOptions());
    }
}
