using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.Mcp;
using Code.Core.Messaging.Transports;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Code.Core.Tests.Messaging.Mcp;

/// <summary>Interop: the official McpClient (ModelContextProtocol 2.4.0) drives the engine's MCP server over streams.</summary>
public sealed class McpMessageServerTests : IAsyncLifetime, IDisposable
{
    private readonly TaskCompletionSource _slowStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _slowCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The SDK client handles each incoming message on its own task, so a result may overtake the progress
    // notifications sent just before it; the tool waits until the client has seen each one.
    private readonly SemaphoreSlim _progressSeen = new(0);
    private JsonRpcConnection? _connection;
    private (System.IO.Pipelines.IDuplexPipe Client, System.IO.Pipelines.IDuplexPipe Server) _pipes;

    public Task InitializeAsync()
    {
        var server = new McpMessageServer(new McpMessageServerOptions { ServerInfo = new() { Name = "code-test", Version = "1.2.3" }, Instructions = "Test tools." });
        server.AddTool("echo", "Echoes its text.", Schema("""{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"""), static call =>
        {
            EchoArguments? args = call.GetArguments(McpTestJsonContext.Default.EchoArguments);
            return ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = "Echo: " + args?.Text }] });
        });
        server.AddTool("slow", "Waits until cancelled.", Schema("""{"type":"object"}"""), async call =>
        {
            _slowStarted.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, call.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                _slowCancelled.TrySetResult();
                throw;
            }

            return new CallToolResult();
        });
        server.AddTool("steps", "Reports progress.", Schema("""{"type":"object"}"""), async call =>
        {
            for (int i = 1; i <= 3; i++)
            {
                await call.ReportProgressAsync(i, 3, $"step {i}");
                await _progressSeen.WaitAsync(call.CancellationToken);
            }

            return new CallToolResult { Content = [new TextContentBlock { Text = "done" }] };
        });
        server.AddTool("fails", "Always throws.", Schema("""{"type":"object"}"""), static _ => throw new InvalidOperationException("disk on fire"));

        _pipes = MessageTransports.CreatePipePair();
        _connection = server.CreateConnection(_pipes.Server);
        _connection.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _connection!.DisposeAsync();
    }

    public void Dispose() => _progressSeen.Dispose();

    private Task<McpClient> ConnectAsync(string? protocolVersion = null) => McpClient.CreateAsync(
        new StreamClientTransport(_pipes.Client.Output.AsStream(), _pipes.Client.Input.AsStream()),
        new McpClientOptions { ProtocolVersion = protocolVersion, ClientInfo = new() { Name = "interop-test", Version = "1.0" } });

    [Fact]
    public async Task Default_client_uses_the_stateless_revision_lists_and_calls_tools()
    {
        await using McpClient client = await ConnectAsync();
        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Equal("code-test", client.ServerInfo?.Name);
        Assert.Equal("Test tools.", client.ServerInstructions);
        Assert.NotNull(client.ServerCapabilities.Tools);

        IList<McpClientTool> tools = await client.ListToolsAsync();
        Assert.Equal(["echo", "fails", "slow", "steps"], tools.Select(t => t.Name).Order());
        Assert.Equal("Echoes its text.", tools.Single(t => t.Name == "echo").Description);

        CallToolResult result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "hello" });
        Assert.NotEqual(true, result.IsError);
        Assert.Equal("Echo: hello", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);

        // ping was removed by the 2026-07-28 revision: as from the SDK's own server, the client gets method-not-found.
        var ping = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.PingAsync());
        Assert.Equal(McpErrorCode.MethodNotFound, ping.ErrorCode);
    }

    [Fact]
    public async Task Client_pinned_to_2025_11_25_initializes_and_calls_tools()
    {
        await using McpClient client = await ConnectAsync("2025-11-25");
        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        Assert.Equal("1.2.3", client.ServerInfo?.Version);
        CallToolResult result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "old" });
        Assert.Equal("Echo: old", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        await client.PingAsync();
    }

    [Fact]
    public async Task Default_client_falls_back_to_initialize_when_discover_is_refused()
    {
        var server = new McpMessageServer().AddTool("echo", "Echoes.", Schema("""{"type":"object"}"""), static _ =>
            ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = "pong" }] }));
        server.Router.Map("server/discover", static _ => throw new Code.Core.Messaging.JsonRpc.JsonRpcException(-32601, "Method not found: 'server/discover'."), MessageLane.Control);
        var (clientPipe, serverPipe) = MessageTransports.CreatePipePair();
        await using JsonRpcConnection connection = server.CreateConnection(serverPipe);
        connection.Start();
        await using McpClient client = await McpClient.CreateAsync(new StreamClientTransport(clientPipe.Output.AsStream(), clientPipe.Input.AsStream()));
        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        CallToolResult result = await client.CallToolAsync("echo");
        Assert.Equal("pong", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Cancelled_call_stops_the_tool(string? protocolVersion)
    {
        await using McpClient client = await ConnectAsync(protocolVersion);
        using var cts = new CancellationTokenSource();
        ValueTask<CallToolResult> call = client.CallToolAsync("slow", cancellationToken: cts.Token);
        await _slowStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
        await _slowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The connection serves on.
        CallToolResult after = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "still here" });
        Assert.Equal("Echo: still here", Assert.IsType<TextContentBlock>(Assert.Single(after.Content)).Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Progress_notifications_reach_the_client(string? protocolVersion)
    {
        await using McpClient client = await ConnectAsync(protocolVersion);
        var progress = new CollectingProgress(_progressSeen);
        CallToolResult result = await client.CallToolAsync("steps", progress: progress);
        Assert.Equal("done", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal([1f, 2f, 3f], progress.Values.Select(v => v.Progress));
        Assert.All(progress.Values, v => Assert.Equal(3f, v.Total));
        Assert.Equal("step 2", progress.Values[1].Message);
    }

    [Fact]
    public async Task Tool_exception_is_an_error_result_and_unknown_tool_an_error()
    {
        await using McpClient client = await ConnectAsync();
        CallToolResult failed = await client.CallToolAsync("fails");
        Assert.True(failed.IsError);
        Assert.Equal("An error occurred invoking 'fails'.", Assert.IsType<TextContentBlock>(Assert.Single(failed.Content)).Text);

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("nope"));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
    }

    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private sealed class CollectingProgress(SemaphoreSlim seen) : IProgress<ProgressNotificationValue>
    {
        private readonly Lock _gate = new();

        public List<ProgressNotificationValue> Values { get; } = [];

        public void Report(ProgressNotificationValue value)
        {
            lock (_gate)
            {
                Values.Add(value);
            }

            seen.Release();
        }
    }
}

internal sealed record EchoArguments(string Text);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(EchoArguments))]
internal sealed partial class McpTestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
