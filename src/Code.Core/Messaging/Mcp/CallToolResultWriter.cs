using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Code.Core.Messaging.Mcp;

/// <summary>
/// Writes a <see cref="CallToolResult"/> in the SDK's JSON shape without the serializer's per-call allocations: text
/// blocks are written directly, any other content block through the SDK's own contract.
/// </summary>
internal static class CallToolResultWriter
{
    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText StructuredContent = JsonEncodedText.Encode("structuredContent");
    private static readonly JsonEncodedText IsError = JsonEncodedText.Encode("isError");
    private static readonly JsonEncodedText Meta = JsonEncodedText.Encode("_meta");
    private static readonly JsonEncodedText ResultType = JsonEncodedText.Encode("resultType");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText TextType = JsonEncodedText.Encode("text");

    public static void Write(Utf8JsonWriter writer, CallToolResult result)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(Content);
        IList<ContentBlock> content = result.Content;
        for (int i = 0; i < content.Count; i++)
        {
            ContentBlock block = content[i];
            if (block is TextContentBlock { Annotations: null, Meta: null } text)
            {
                writer.WriteStartObject();
                writer.WriteString(Type, TextType);
                writer.WriteString(Text, text.Text);
                writer.WriteEndObject();
            }
            else
            {
                JsonSerializer.Serialize(writer, block, McpJson.ContentBlock);
            }
        }

        writer.WriteEndArray();
        if (result.StructuredContent is { } structured)
        {
            writer.WritePropertyName(StructuredContent);
            structured.WriteTo(writer);
        }

        if (result.IsError is { } isError)
        {
            writer.WriteBoolean(IsError, isError);
        }

        if (result.Meta is { } meta)
        {
            writer.WritePropertyName(Meta);
            meta.WriteTo(writer);
        }

        if (result.ResultType is { } resultType)
        {
            writer.WriteString(ResultType, resultType);
        }

        writer.WriteEndObject();
    }
}
