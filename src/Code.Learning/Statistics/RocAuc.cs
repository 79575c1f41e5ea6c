namespace Code.Learning.Statistics;

/// <summary>Area under the ROC curve of scores against binary labels (ties count one half).</summary>
internal static class RocAuc
{
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count || scores.Count == 0)
        {
            throw new ArgumentException("AUC needs as many labels as scores, and at least one of each.");
        }

        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSumPositive = 0;
        long positives = 0;
        var position = 0;
        while (position < order.Length)
        {
            var end = position;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[position]])
            {
                end++;
            }

            var midRank = ((position + end) / 2.0) + 1;
            for (var k = position; k <= end; k++)
            {
                if (labels[order[k]])
                {
                    rankSumPositive += midRank;
                    positives++;
                }
            }

            position = end + 1;
        }

        var negatives = order.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("AUC needs at least one positive and one negative label.");
        }

        return (rankSumPositive - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }
}
