namespace Code.Experts.PeerReview;

/// <summary>Labels answers A, B, C, ... in a shuffled order, so that no expert's answer keeps a position across reviewers.</summary>
internal static class PeerReviewLabels
{
    /// <summary>Gets the label of a position: A to Z, then A1, B1, ...</summary>
    /// <param name="position">The zero-based position.</param>
    /// <returns>The label.</returns>
    public static string Label(int position)
        => position < 26
            ? ((char)('A' + position)).ToString()
            : ((char)('A' + (position % 26))).ToString() + (position / 26).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Shuffles the experts (Fisher-Yates) and labels them in the shuffled order.</summary>
    /// <param name="experts">The experts whose answers are shown.</param>
    /// <param name="random">The seeded source of the shuffle.</param>
    /// <returns>The labels in the order shown, A first.</returns>
    public static IReadOnlyList<PeerReviewLabel> Assign(IReadOnlyList<string> experts, Random random)
    {
        var order = experts.ToArray();
        for (var i = order.Length - 1; i > 0; i--)
        {
#pragma warning disable CA5394 // A seeded shuffle against position bias, not security.
            var j = random.Next(i + 1);
#pragma warning restore CA5394
            (order[i], order[j]) = (order[j], order[i]);
        }

        var labels = new PeerReviewLabel[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            labels[i] = new PeerReviewLabel(Label(i), order[i]);
        }

        return labels;
    }

    /// <summary>
    /// Scores each expert from the ballots: a reviewer ranking k answers gives the one in position i the
    /// score (k - 1 - i) / (k - 1); an expert's score is the mean over the ballots that ranked it.
    /// </summary>
    /// <param name="ballots">The ballots.</param>
    /// <returns>The mean score per expert that was ranked at least once.</returns>
    public static Dictionary<string, double> Scores(IEnumerable<PeerReviewBallot> ballots)
    {
        var sums = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        foreach (var ballot in ballots)
        {
            var k = ballot.Ranking.Count;
            for (var i = 0; i < k; i++)
            {
                var score = k == 1 ? 1.0 : (double)(k - 1 - i) / (k - 1);
                sums.TryGetValue(ballot.Ranking[i], out var current);
                sums[ballot.Ranking[i]] = (current.Sum + score, current.Count + 1);
            }
        }

        return sums.ToDictionary(p => p.Key, p => p.Value.Sum / p.Value.Count, StringComparer.Ordinal);
    }
}
