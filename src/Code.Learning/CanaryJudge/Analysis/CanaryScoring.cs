using System.Globalization;

namespace Code.Learning.CanaryJudge.Analysis;

/// <summary>
/// Turns the metric results into group scores, the overall score and the verdict. A decided metric scores 0-100
/// (Pass 100; High/Low by how far beyond the tolerance); Inconclusive and NoData metrics are not scored. The
/// verdict: Fail on a critical failure or a score below the marginal threshold; otherwise Inconclusive while any
/// metric is; otherwise Pass at or above the pass threshold and Marginal below it.
/// </summary>
internal static class CanaryScoring
{
    public static CanaryJudgment Score(CanaryJudgeRequest request, CanaryMetricResult[] results, CanaryJudgeOptions options)
    {
        var order = new List<string>();
        var tallies = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var critical = new List<string>();
        var inconclusive = new List<CanaryMetricResult>();
        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i];
            var config = request.Metrics[i].Config;
            if (!tallies.TryGetValue(result.Group, out var tally))
            {
                order.Add(result.Group);
                tally = new Tally();
                tallies[result.Group] = tally;
            }

            switch (result.Classification)
            {
                case CanaryMetricClassification.Pass:
                    tally.Passed++;
                    tally.ScoreSum += result.Score;
                    break;
                case CanaryMetricClassification.High or CanaryMetricClassification.Low:
                    tally.Failed++;
                    tally.ScoreSum += result.Score;
                    break;
                case CanaryMetricClassification.Inconclusive:
                    tally.Inconclusive++;
                    inconclusive.Add(result);
                    break;
                default:
                    tally.NoData++;
                    break;
            }

            if ((config.Critical && result.Failed) || (config.RequireData && result.Classification == CanaryMetricClassification.NoData))
            {
                critical.Add(result.Name);
            }
        }

        var groups = new List<CanaryGroupResult>(order.Count);
        double weighted = 0, totalWeight = 0;
        foreach (var group in order)
        {
            var tally = tallies[group];
            var weight = request.GroupWeights is not null && request.GroupWeights.TryGetValue(group, out var w) ? w : 1.0;
            var decided = tally.Passed + tally.Failed;
            var score = decided == 0 ? double.NaN : tally.ScoreSum / decided;
            groups.Add(new CanaryGroupResult(group, weight, score, tally.Passed, tally.Failed, tally.Inconclusive, tally.NoData));
            if (decided > 0)
            {
                weighted += weight * score;
                totalWeight += weight;
            }
        }

        var failedNames = string.Join(", ", results.Where(r => r.Failed).Select(r => $"{r.Name} {r.Classification}"));
        var failedText = failedNames.Length == 0 ? "no metric failed" : "failed: " + failedNames;
        if (critical.Count > 0)
        {
            return new CanaryJudgment(0, CanaryVerdict.Fail, true, results, groups, $"fail: critical metric(s) {string.Join(", ", critical)} failed");
        }

        var total = totalWeight > 0 ? weighted / totalWeight : double.NaN;
        var scoreText = total.ToString("F1", CultureInfo.InvariantCulture);
        if (totalWeight > 0 && total < options.MarginalThreshold)
        {
            return new CanaryJudgment(total, CanaryVerdict.Fail, false, results, groups, $"fail: score {scoreText}; {failedText}");
        }

        if (inconclusive.Count > 0)
        {
            var needed = inconclusive.Max(r => r.SamplesNeeded);
            var names = string.Join(", ", inconclusive.Select(r => r.Name));
            var more = needed is { } n ? $"about {n} values per side needed" : "more data may not decide it";
            var decided = totalWeight > 0 ? $"; score {scoreText} over the decided metrics, {failedText}" : string.Empty;
            return new CanaryJudgment(total, CanaryVerdict.Inconclusive, false, results, groups, $"inconclusive: {names} undecided ({more}){decided}")
            {
                SamplesNeeded = needed,
            };
        }

        if (totalWeight == 0)
        {
            return new CanaryJudgment(double.NaN, CanaryVerdict.NoData, false, results, groups, "no data: no metric had enough values to judge");
        }

        var verdict = total >= options.PassThreshold ? CanaryVerdict.Pass : CanaryVerdict.Marginal;
        return new CanaryJudgment(total, verdict, false, results, groups, $"{verdict.ToString().ToLowerInvariant()}: score {scoreText}, {failedText}");
    }

    private sealed class Tally
    {
        public int Passed { get; set; }

        public int Failed { get; set; }

        public int Inconclusive { get; set; }

        public int NoData { get; set; }

        public double ScoreSum { get; set; }
    }
}
