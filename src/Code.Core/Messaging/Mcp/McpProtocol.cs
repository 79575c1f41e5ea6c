namespace Code.Core.Messaging.Mcp;

/// <summary>The MCP revisions, method names and metadata keys the engine's server speaks.</summary>
internal static class McpProtocol
{
    /// <summary>The stateless revision: no initialize, <c>server/discover</c>, per-request <c>_meta</c>.</summary>
    public const string July2026 = "2026-07-28";

    /// <summary>The latest revision with the initialize handshake.</summary>
    public const string November2025 = "2025-11-25";

    public const string ProtocolVersionMetaKey = "io.modelcontextprotocol/protocolVersion";

    /// <summary>The <c>resultType</c> of a finished result, which the 2026-07-28 revision requires on every result.</summary>
    public const string CompleteResultType = "complete";
    public const string ServerInfoMetaKey = "io.modelcontextprotocol/serverInfo";
    public const int UnsupportedProtocolVersionCode = -32022;

    /// <summary>Revisions negotiated by the initialize handshake, oldest first.</summary>
    public static readonly string[] InitializeVersions = ["2024-11-05", "2025-03-26", "2025-06-18", November2025];

    /// <summary>Revisions that carry their version in each request's <c>_meta</c>.</summary>
    public static readonly string[] PerRequestVersions = [July2026];

    public static ReadOnlySpan<byte> ProtocolVersionMetaKeyUtf8 => "io.modelcontextprotocol/protocolVersion"u8;

    public static bool IsSupported(string version) => InitializeVersions.Contains(version) || PerRequestVersions.Contains(version);

    /// <summary>Tells whether a version is one of the per-request revisions (2026-07-28), whose results carry <c>resultType</c>.</summary>
    public static bool IsPerRequest(string? version) => version is not null && PerRequestVersions.Contains(version);
}
