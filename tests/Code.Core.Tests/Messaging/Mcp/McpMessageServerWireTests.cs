using System.Text.Json;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Mcp;
using ModelContextProtocol.Protocol;

namespace Code.Core.Tests.Messaging.Mcp;

/// <summary>The MCP server's replies at the wire level, for cases the official client does not exercise.</summary>
public sealed class McpMessageServerWireTests
{
    private static McpMessageServer CreateServer() => new McpMessageServer().AddTool(
        "steps",
        "Reports progress.",
        JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone(),
        static async call =>
        {
            await call.ReportProgressAsync(1, 2, "half");
            return new CallToolResult { Content = [new TextContentBlock { Text = call.WantsProgress ? "tracked" : "untracked" }] };
        });

    [Fact]
    public async Task Progress_token_in_meta_gets_progress_notifications()
    {
        await using var peer = RawPeer.Start(CreateServer().Router);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"steps","arguments":{},"_meta":{"progressToken":"tok"}}}""");
        JsonElement progress = await peer.ReadAsync();
        Assert.Equal("notifications/progress", progress.GetProperty("method").GetString());
        Assert.Equal("tok", progress.GetProperty("params").GetProperty("progressToken").GetString());
        Assert.Equal(1, progress.GetProperty("params").GetProperty("progress").GetDouble());
        Assert.Equal("half", progress.GetProperty("params").GetProperty("message").GetString());
        JsonElement result = await peer.ReadAsync();
        Assert.Equal("tracked", result.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Unsupported_per_request_version_gets_error_32022_with_the_supported_list()
    {
        await using var peer = RawPeer.Start(CreateServer().Router);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01"}}}""");
        JsonElement error = (await peer.ReadAsync()).GetProperty("error");
        Assert.Equal(-32022, error.GetProperty("code").GetInt32());
        Assert.Equal("2026-07-28", error.GetProperty("data").GetProperty("supported")[0].GetString());
        Assert.Equal("2099-01-01", error.GetProperty("data").GetProperty("requested").GetString());

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"server/discover","params":{}}""");
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, (await peer.ReadAsync()).GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Initialize_answers_with_a_version_it_speaks()
    {
        await using var peer = RawPeer.Start(CreateServer().Router);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""");
        Assert.Equal("2025-06-18", (await peer.ReadAsync()).GetProperty("result").GetProperty("protocolVersion").GetString());
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""");
        Assert.Equal("2025-11-25", (await peer.ReadAsync()).GetProperty("result").GetProperty("protocolVersion").GetString());
    }

    [Theory]
    [InlineData("""{"name":"nope"}""", "Unknown tool: 'nope'")]
    [InlineData("""{"arguments":{}}""", "needs the tool's 'name'")]
    [InlineData("""{"name":"steps","arguments":[1]}""", "'arguments' must be an object")]
    public async Task Bad_tool_calls_get_invalid_params_with_the_reason(string parameters, string reason)
    {
        await using var peer = RawPeer.Start(CreateServer().Router);
        await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{parameters}}}""");
        JsonElement error = (await peer.ReadAsync()).GetProperty("error");
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.Contains(reason, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
