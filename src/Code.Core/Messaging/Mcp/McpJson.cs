using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Code.Core.Messaging.Mcp;

/// <summary>The SDK's own JSON contracts for the MCP protocol types, resolved once.</summary>
internal static class McpJson
{
    public static readonly JsonTypeInfo<InitializeRequestParams> InitializeRequestParams = Get<InitializeRequestParams>();
    public static readonly JsonTypeInfo<InitializeResult> InitializeResult = Get<InitializeResult>();
    public static readonly JsonTypeInfo<DiscoverResult> DiscoverResult = Get<DiscoverResult>();
    public static readonly JsonTypeInfo<ListToolsResult> ListToolsResult = Get<ListToolsResult>();
    public static readonly JsonTypeInfo<CallToolResult> CallToolResult = Get<CallToolResult>();
    public static readonly JsonTypeInfo<ContentBlock> ContentBlock = Get<ContentBlock>();
    public static readonly JsonTypeInfo<ProgressNotificationParams> ProgressNotificationParams = Get<ProgressNotificationParams>();
    public static readonly JsonTypeInfo<Implementation> Implementation = Get<Implementation>();
    public static readonly JsonTypeInfo<UnsupportedProtocolVersionErrorData> UnsupportedProtocolVersionErrorData = Get<UnsupportedProtocolVersionErrorData>();

    private static JsonTypeInfo<T> Get<T>() => (JsonTypeInfo<T>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T));

    public static string Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.Serialize(value, typeInfo);
}
