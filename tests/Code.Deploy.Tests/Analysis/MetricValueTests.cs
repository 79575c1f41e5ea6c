using System.Text.Json;
using Code.Deploy.Analysis;
using Code.Deploy.Serialization;

namespace Code.Deploy.Tests.Analysis;

public sealed class MetricValueTests
{
    [Fact]
    public void Reads_and_writes_json_trees()
    {
        using var document = JsonDocument.Parse("""{"data":{"result":[0.99,0.98]},"ok":true,"name":"shop","none":null}""");

        var value = MetricValue.FromJson(document.RootElement);

        Assert.Equal(MetricValueKind.Map, value.Kind);
        Assert.Equal(0.98, value.Properties["data"].Properties["result"].Items[1].Number);
        Assert.True(value.Properties["ok"].Boolean);
        Assert.Equal("""{"data":{"result":[0.99,0.98]},"ok":true,"name":"shop","none":null}""", JsonSerializer.Serialize(value, DeployJson.Options).Replace("\n", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal(value, JsonSerializer.Deserialize<MetricValue>(JsonSerializer.Serialize(value, DeployJson.Options), DeployJson.Options));
        Assert.Equal("{data: {result: [0.99, 0.98]}, ok: true, name: \"shop\", none: null}", value.ToString());
    }

    [Fact]
    public void Non_finite_numbers_are_written_as_strings_and_wrong_kinds_say_so()
    {
        Assert.Equal("\"NaN\"", JsonSerializer.Serialize((MetricValue)double.NaN, DeployJson.Options));
        Assert.Equal("The value is a number, not a string.", Assert.Throws<InvalidOperationException>(() => ((MetricValue)1.0).Text).Message);
        Assert.Throws<ArgumentException>(() => MetricValue.FromMap([KeyValuePair.Create("a", (MetricValue)1.0), KeyValuePair.Create("a", (MetricValue)2.0)]));
    }
}
