using System.Text.Json;
using Code.Deploy.Serialization;
using Code.Deploy.Strategies;
using static Code.Deploy.Tests.DeployTestHost;

namespace Code.Deploy.Tests.Strategies;

public sealed class DeploymentPlanOutputTests
{
    [Fact]
    public void A_plan_serialises_in_camel_case_and_reads_back()
    {
        var plan = Plan(Yaml(SpecExamples.Canary));

        var json = plan.ToJson();
        var back = JsonSerializer.Deserialize<DeploymentPlan>(json, DeployJson.Options)!;

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("canary", root.GetProperty("strategy").GetString());
        Assert.Equal("router", root.GetProperty("traffic").GetString());
        Assert.Equal("setWeight", root.GetProperty("steps")[0].GetProperty("action").GetString());
        Assert.Equal("5m", root.GetProperty("steps")[1].GetProperty("duration").GetString());
        Assert.Equal(1, root.GetProperty("backgroundAnalysis").GetProperty("fromStep").GetInt32());
        Assert.False(root.GetProperty("steps")[0].TryGetProperty("plugin", out _));
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public void A_plan_renders_as_a_table()
    {
        var text = Plan(Yaml(SpecExamples.CanaryWithoutRouter), new PlanContext { StableRevision = "v1", TrafficRouter = null }).ToText();

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("Plan for shop: v1 -> v2, strategy canary, 5 replicas, traffic by instance counts", lines[0]);
        Assert.StartsWith("#  action     stable  new  new traffic  step", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("0  setWeight       4    1          20%  no traffic router: run 1 canary and 4 stable instances", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("8  promote         0    5         100%  promote:", lines[^1], StringComparison.Ordinal);
    }
}
