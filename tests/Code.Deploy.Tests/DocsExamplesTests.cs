using Code.Deploy.Strategies;
using static Code.Deploy.Tests.DeployTestHost;

namespace Code.Deploy.Tests;

/// <summary>docs/deploy.md prints each example spec and its plan: they must be what the code reads and plans.</summary>
public sealed class DocsExamplesTests
{
    public static TheoryData<string, string, bool> Examples => new()
    {
        { "Recreate", SpecExamples.Recreate, true },
        { "Rolling", SpecExamples.Rolling, true },
        { "BlueGreen", SpecExamples.BlueGreen, true },
        { "Canary", SpecExamples.Canary, true },
        { "CanaryWithoutRouter", SpecExamples.CanaryWithoutRouter, false },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_page_shows_the_spec_and_the_plan_the_code_makes(string name, string yaml, bool router)
    {
        var page = File.ReadAllText(FindPage()).ReplaceLineEndings("\n");
        var context = new PlanContext { StableRevision = "v1", TrafficRouter = router ? PlanContext.Default.TrafficRouter : null };

        var plan = Plan(Yaml(yaml), context).ToText().ReplaceLineEndings("\n").TrimEnd();

        Assert.True(page.Contains(yaml.ReplaceLineEndings("\n"), StringComparison.Ordinal), $"docs/deploy.md does not show the {name} spec as tested");
        Assert.True(page.Contains(plan, StringComparison.Ordinal), $"docs/deploy.md does not show the {name} plan as the planner makes it:\n{plan}");
    }

    private static string FindPage()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var page = Path.Combine(directory.FullName, "docs", "deploy.md");
            if (File.Exists(page))
            {
                return page;
            }
        }

        throw new FileNotFoundException("docs/deploy.md was not found above " + AppContext.BaseDirectory);
    }
}
