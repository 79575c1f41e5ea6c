using System.Text.Json;
using System.Text.Json.Nodes;
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
    private static readonly JsonEncodedText CompleteResultType = JsonEncodedText.Encode(McpProtocol.CompleteResultType);
    private static readonly JsonEncodedText ServerInfoKey = JsonEncodedText.Encode(McpProtocol.ServerInfoMetaKey);

    /// <summary>Writes the result; with <paramref name="serverInfo"/> (the 2026-07-28 revision) also <c>resultType</c> and the server's identity in <c>_meta</c>.</summary>
    /// <param name="writer">The writer of the response's result.</param>
    /// <param name="result">The tool's result.</param>
    /// <param name="serverInfo">The server's <see cref="Implementation"/> as JSON, or <see langword="null"/> for the revisions before 2026-07-28.</param>
    public static void Write(Utf8JsonWriter writer, CallToolResult result, ReadOnlySpan<byte> serverInfo = default)
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

        if (result.ResultType is { } resultType)
        {
            writer.WriteString(ResultType, resultType);
        }
        else if (!serverInfo.IsEmpty)
        {
            writer.WriteString(ResultType, CompleteResultType);
        }

        if (!serverInfo.IsEmpty)
        {
            writer.WriteStartObject(Meta);
            if (result.Meta is { } own)
            {
                foreach (KeyValuePair<string, JsonNode?> member in own)
                {
                    if (!string.Equals(member.Key, McpProtocol.ServerInfoMetaKey, StringComparison.Ordinal))
                    {
                        writer.WritePropertyName(member.Key);
                        JsonWriteValue(writer, member.Value);
                    }
                }
            }

            writer.WritePropertyName(ServerInfoKey);
            writer.WriteRawValue(serverInfo, skipInputValidation: true);
            writer.WriteEndObject();
        }
        else if (result.Meta is { } meta)
        {
            writer.WritePropertyName(Meta);
            meta.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void JsonWriteValue(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }
}
