using System.Globalization;
using System.Text;
using Code.Deploy.Specs.Reading;

namespace Code.Deploy.Strategies.Planning;

/// <summary>Renders a plan as a fixed-width text table.</summary>
internal static class PlanText
{
    private static readonly string[] Header = ["#", "action", "stable", "new", "new traffic", "step"];

    public static string Render(DeploymentPlan plan)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Plan for {plan.App}: {plan.StableRevision ?? "(nothing running)"} -> {plan.Revision}, strategy {Name(plan.Strategy)}, {plan.Replicas} replica{(plan.Replicas == 1 ? string.Empty : "s")}, ")
            .Append(plan.Traffic == PlanTrafficMode.Router ? "traffic by router" : "traffic by instance counts")
            .AppendLine();

        var rows = new List<string[]> { Header };
        foreach (var step in plan.Steps)
        {
            var notes = new List<string> { step.Description };
            if (step.Analyses.Count > 0)
            {
                notes.Add("analysis: " + string.Join(", ", step.Analyses) + (step.OnFailure is null ? string.Empty : "; on failure " + step.OnFailure));
            }

            if (step.HeaderRoutes.Count > 0)
            {
                notes.Add("header routes: " + string.Join(", ", step.HeaderRoutes));
            }

            if (step.Preview)
            {
                notes.Add("preview: new");
            }

            if (step.BackgroundAnalysis)
            {
                notes.Add("background analysis running");
            }

            rows.Add(
            [
                step.Index.ToString(CultureInfo.InvariantCulture),
                Camel(step.Action.ToString()),
                step.StableReplicas.ToString(CultureInfo.InvariantCulture),
                step.NewReplicas.ToString(CultureInfo.InvariantCulture),
                step.NewWeight is { } w ? w.ToString("0.##", CultureInfo.InvariantCulture) + "%" : "-",
                string.Join("; ", notes),
            ]);
        }

        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            for (var c = 0; c < 5; c++)
            {
                text.Append(c is 2 or 3 or 4 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c])).Append("  ");
            }

            text.AppendLine(row[5]);
        }

        if (plan.BackgroundAnalysis is { } background)
        {
            text.Append(CultureInfo.InvariantCulture, $"Background analysis {string.Join(", ", background.Templates)}: steps {background.FromStep} to {background.ToStep}; its failure aborts the rollout.").AppendLine();
        }

        return text.ToString();
    }

    private static string Name(StrategyKind kind) => Camel(kind.ToString());

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    internal static string Format(TimeSpan duration) => DurationFormat.Format(duration);
}
