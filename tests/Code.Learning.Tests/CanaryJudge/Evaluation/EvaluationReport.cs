using System.Globalization;
using System.Text;

namespace Code.Learning.Tests.CanaryJudge.Evaluation;

/// <summary>
/// Turns judged labelled cases into the tables of docs/learning.md: outcomes by regression size and samples per
/// side, the summary rates, and F1 against the static rules. "Failed" means a Fail or Marginal verdict; an
/// Inconclusive verdict is counted apart (the deploy engine extends such an analysis).
/// </summary>
internal sealed class EvaluationReport(IReadOnlyList<JudgedCase> cases, IReadOnlyList<string> staticNames, double scoredMagnitude)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public IReadOnlyList<JudgedCase> Cases => cases;

    public IEnumerable<JudgedCase> Noise => cases.Where(c => !c.Regressed);

    /// <summary>Gets the regressions scored in F1 and detection (at least the scored magnitude).</summary>
    public IEnumerable<JudgedCase> Scored => cases.Where(c => c.Regressed && c.Magnitude >= scoredMagnitude - 1e-12);

    public double FalseFailureRate => Rate(Noise, c => c.JudgeFailed);

    public double NoiseInconclusiveRate => Rate(Noise, c => c.Inconclusive);

    public static double Rate(IEnumerable<JudgedCase> subset, Func<JudgedCase, bool> predicate)
    {
        var list = subset.ToList();
        return list.Count == 0 ? double.NaN : (double)list.Count(predicate) / list.Count;
    }

    public static string Count(IEnumerable<JudgedCase> subset, Func<JudgedCase, bool> predicate)
    {
        var list = subset.ToList();
        var hits = list.Count(predicate);
        return list.Count == 0 ? "-" : string.Create(Invariant, $"{100.0 * hits / list.Count:0.0} % ({hits}/{list.Count})");
    }

    /// <summary>F1 of "failed" against "regressed" over the noise-only cases and the scored regressions.</summary>
    public double F1(Func<JudgedCase, bool> failed)
    {
        var noise = Noise.ToList();
        var scored = Scored.ToList();
        var truePositives = scored.Count(failed);
        var falsePositives = noise.Count(failed);
        if (truePositives == 0)
        {
            return 0;
        }

        var precision = (double)truePositives / (truePositives + falsePositives);
        var recall = (double)truePositives / scored.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>Rows: noise only, then each regression size; columns: samples per side. Cells: failed % / inconclusive %.</summary>
    public string OutcomeTable(IEnumerable<int> sizes, IEnumerable<double> magnitudes, Func<JudgedCase, bool>? filter = null)
    {
        var subset = cases.Where(c => filter is null || !c.Regressed || filter(c)).ToList();
        var sizeList = sizes.ToList();
        var table = new StringBuilder();
        table.Append("| Regression |");
        foreach (var size in sizeList)
        {
            table.Append(Invariant, $" n = {size} |");
        }

        table.AppendLine(" all |");
        table.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", sizeList.Count + 1)));
        foreach (var magnitude in magnitudes.Prepend(0))
        {
            var row = subset.Where(c => Math.Abs(c.Magnitude - magnitude) < 1e-9).ToList();
            table.Append(Invariant, $"| {(magnitude == 0 ? "none (false failures)" : magnitude.ToString("P0", Invariant))} |");
            foreach (var size in sizeList)
            {
                table.Append(' ').Append(Cell(row.Where(c => c.SamplesPerSide == size))).Append(" |");
            }

            table.Append(' ').Append(Cell(row)).AppendLine(" |");
        }

        return table.ToString();
    }

    /// <summary>The judge and each static rule: false failures, detection, inconclusive, F1 (Inconclusive as pass, and as fail).</summary>
    public string SummaryTable(string judgeName)
    {
        var table = new StringBuilder();
        table.AppendLine(Invariant, $"| Detector | False failures | Detection (>= {scoredMagnitude:P0}) | Inconclusive (noise / regressions) | F1 | F1, Inconclusive as fail |");
        table.AppendLine("|---|---|---|---|---|---|");
        table.AppendLine(Invariant,
            $"| {judgeName} | {Count(Noise, c => c.JudgeFailed)} | {Count(Scored, c => c.JudgeFailed)} | {100 * NoiseInconclusiveRate:0.0} % / {100 * Rate(Scored, c => c.Inconclusive):0.0} % | {100 * F1(c => c.JudgeFailed):0.0} | {100 * F1(c => c.JudgeFailed || c.Inconclusive):0.0} |");
        for (var i = 0; i < staticNames.Count; i++)
        {
            var index = i;
            table.AppendLine(Invariant,
                $"| {staticNames[i]} | {Count(Noise, c => c.StaticFailed[index])} | {Count(Scored, c => c.StaticFailed[index])} | - | {100 * F1(c => c.StaticFailed[index]):0.0} | |");
        }

        return table.ToString();
    }

    public double BestStaticF1() => Enumerable.Range(0, staticNames.Count).Max(i => F1(c => c.StaticFailed[i]));

    private static string Cell(IEnumerable<JudgedCase> subset)
    {
        var list = subset.ToList();
        if (list.Count == 0)
        {
            return "-";
        }

        var failed = 100.0 * list.Count(c => c.JudgeFailed) / list.Count;
        var inconclusive = 100.0 * list.Count(c => c.Inconclusive) / list.Count;
        return string.Create(Invariant, $"{failed:0} / {inconclusive:0}");
    }
}
