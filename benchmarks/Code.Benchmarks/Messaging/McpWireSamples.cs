using System.Text;

namespace Code.Benchmarks.Messaging;

/// <summary>tools/call requests exactly as the ModelContextProtocol 2.4.0 client writes them.</summary>
internal static class McpWireSamples
{
    /// <summary>The 2025-11-25 revision's request (about 100 bytes).</summary>
    public const string SmallToolCall =
        """{"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"}},"id":12345,"jsonrpc":"2.0"}""";

    /// <summary>The 2026-07-28 revision's request, with the per-request _meta (about 290 bytes).</summary>
    public const string LargeToolCall =
        """{"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"code-benchmarks","version":"1.0.0.0"},"io.modelcontextprotocol/clientCapabilities":{}}},"id":12345,"jsonrpc":"2.0"}""";

    /// <summary>The params of the small request, as the engine's own client sends them.</summary>
    public static readonly byte[] SmallParams = Encoding.UTF8.GetBytes("""{"name":"echo","arguments":{"text":"hello world"}}""");
}
