using System.Text.Json;
using Code.Core.Messaging;
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

/// <summary>Tool argument errors, internal failures and revision-specific result members, at the wire level.</summary>
public sealed class McpToolErrorWireTests
{
    private const string Meta2026 = "\"_meta\":" + """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}""";

    private static string Modern(string json) => json.Replace("META", Meta2026, StringComparison.Ordinal);

    private static McpMessageServer CreateServer() => new McpMessageServer(new McpMessageServerOptions { ServerInfo = new() { Name = "wire", Version = "2.0" } })
        .AddTool("add", "Adds.", JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}""").RootElement.Clone(), static call =>
        {
            WireAddArgs args = call.GetArguments(WireJsonContext.Default.WireAddArgs)!;
            return ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = (args.A + args.B).ToString(System.Globalization.CultureInfo.InvariantCulture) }] });
        })
        .AddTool("fails", "Throws.", JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone(), static _ => throw new InvalidOperationException("secret path /srv/code"))
        .AddTool("refuses", "Throws an McpException.", JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone(), static _ => throw new ModelContextProtocol.McpException("the quota is used up"));

    [Theory]
    [InlineData("""{"a":"x","b":2}""", "$.a")]
    [InlineData("""{"a":1}""", "'b'")]
    [InlineData(null, "'a'")]
    public async Task Wrong_or_missing_arguments_are_a_tool_error_saying_what_was_wrong(string? arguments, string detail)
    {
        await using var peer = RawPeer.Start(CreateServer().Router);
        string args = arguments is null ? string.Empty : $",\"arguments\":{arguments}";
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add"ARGS}}""".Replace("ARGS", args, StringComparison.Ordinal));
        JsonElement reply = await peer.ReadAsync();
        Assert.False(reply.TryGetProperty("error", out _), reply.GetRawText());
        JsonElement result = reply.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean());
        string text = result.GetProperty("content")[0].GetProperty("text").GetString()!;
        Assert.Contains("'add'", text, StringComparison.Ordinal);
        Assert.Contains(detail, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(""","params":[]""")]
    [InlineData(""","params":{}""")]
    public async Task Tool_call_without_params_is_invalid_params(string parameters)
    {
        await using var peer = RawPeer.Start(CreateServer().Router);
        await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","id":1,"method":"tools/call"{{parameters}}}""");
        JsonElement error = (await peer.ReadAsync()).GetProperty("error");
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.Contains("name", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_exception_details_stay_on_the_server_unless_asked_for()
    {
        await using (var peer = RawPeer.Start(CreateServer().Router))
        {
            await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fails"}}""");
            JsonElement result = (await peer.ReadAsync()).GetProperty("result");
            Assert.True(result.GetProperty("isError").GetBoolean());
            string text = result.GetProperty("content")[0].GetProperty("text").GetString()!;
            Assert.Equal("An error occurred invoking 'fails'.", text);

            // An McpException is meant for the client, as in the SDK.
            await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"refuses"}}""");
            Assert.Contains("the quota is used up", (await peer.ReadAsync()).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        await using var detailed = RawPeer.Start(CreateServer().Router, new MessagingOptions { IncludeExceptionDetails = true });
        await detailed.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fails"}}""");
        Assert.Contains("secret path /srv/code", (await detailed.ReadAsync()).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Results_of_the_2026_revision_carry_result_type_and_server_info_and_older_ones_do_not()
    {
        await using var peer = RawPeer.Start(CreateServer().Router);
        await peer.SendMessageAsync(Modern("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{META}}"""));
        JsonElement list = (await peer.ReadAsync()).GetProperty("result");
        Assert.Equal("complete", list.GetProperty("resultType").GetString());
        Assert.Equal(0, list.GetProperty("ttlMs").GetInt32());
        Assert.Equal("private", list.GetProperty("cacheScope").GetString());
        Assert.Equal("wire", list.GetProperty("_meta").GetProperty("io.modelcontextprotocol/serverInfo").GetProperty("name").GetString());

        await peer.SendMessageAsync(Modern("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2},META}}"""));
        JsonElement call = (await peer.ReadAsync()).GetProperty("result");
        Assert.Equal("complete", call.GetProperty("resultType").GetString());
        Assert.Equal("2.0", call.GetProperty("_meta").GetProperty("io.modelcontextprotocol/serverInfo").GetProperty("version").GetString());

        await peer.SendMessageAsync(Modern("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":"x"},META}}"""));
        JsonElement bad = (await peer.ReadAsync()).GetProperty("result");
        Assert.True(bad.GetProperty("isError").GetBoolean());
        Assert.Equal("complete", bad.GetProperty("resultType").GetString());

        await peer.SendMessageAsync(Modern("""{"jsonrpc":"2.0","id":4,"method":"ping","params":{META}}"""));
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, (await peer.ReadAsync()).GetProperty("error").GetProperty("code").GetInt32());

        await using var legacy = RawPeer.Start(CreateServer().Router);
        await legacy.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""");
        Assert.False((await legacy.ReadAsync()).GetProperty("result").TryGetProperty("resultType", out _));
        await legacy.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        JsonElement legacyList = (await legacy.ReadAsync()).GetProperty("result");
        Assert.False(legacyList.TryGetProperty("resultType", out _));
        Assert.False(legacyList.TryGetProperty("ttlMs", out _));
        Assert.False(legacyList.TryGetProperty("_meta", out _));
        await legacy.SendMessageAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}""");
        JsonElement legacyCall = (await legacy.ReadAsync()).GetProperty("result");
        Assert.Equal(["content"], legacyCall.EnumerateObject().Select(p => p.Name));
        await legacy.SendMessageAsync("""{"jsonrpc":"2.0","id":4,"method":"ping"}""");
        Assert.Equal("{}", (await legacy.ReadAsync()).GetProperty("result").GetRawText());
    }
}

internal sealed record WireAddArgs(int A, int B);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(WireAddArgs))]
internal sealed partial class WireJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
