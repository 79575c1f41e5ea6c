using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Code.Core.Messaging.Mcp;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Code.Core.Tests.Messaging.Mcp;

public sealed class CallToolResultWriterTests
{
    public static TheoryData<string> Cases => new() { "text", "empty", "mixed", "structured", "error", "meta", "annotated" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Writes_the_same_json_as_the_sdk_serializer(string name)
    {
        CallToolResult result = name switch
        {
            "text" => new() { Content = [new TextContentBlock { Text = "héllo \"quoted\"\n" }] },
            "empty" => new(),
            "mixed" => new() { Content = [new TextContentBlock { Text = "a" }, new ImageContentBlock { Data = "aGk="u8.ToArray(), MimeType = "image/png" }, new TextContentBlock { Text = "b" }] },
            "structured" => new() { Content = [new TextContentBlock { Text = "{}" }], StructuredContent = JsonDocument.Parse("""{"x":[1,2],"y":{"z":null}}""").RootElement },
            "error" => new() { IsError = true, Content = [new TextContentBlock { Text = "failed" }] },
            "meta" => new() { Meta = new JsonObject { ["k"] = "v" }, ResultType = "complete" },
            _ => new() { Content = [new TextContentBlock { Text = "t", Annotations = new Annotations { Priority = 0.5f }, Meta = new JsonObject { ["m"] = 1 } }] },
        };

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CallToolResultWriter.Write(writer, result);
        }

        JsonNode? expected = JsonSerializer.SerializeToNode(result, McpJsonUtilities.DefaultOptions);
        JsonNode? actual = JsonNode.Parse(buffer.WrittenSpan);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected?.ToJsonString()} but wrote {actual?.ToJsonString()}");
    }
}
