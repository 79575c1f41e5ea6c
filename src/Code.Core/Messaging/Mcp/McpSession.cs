using ModelContextProtocol.Protocol;

namespace Code.Core.Messaging.Mcp;

/// <summary>What an MCP server remembers about one connection: the version negotiated by initialize, if any.</summary>
internal sealed class McpSession
{
    public string? ProtocolVersion { get; set; }

    public Implementation? ClientInfo { get; set; }
}
