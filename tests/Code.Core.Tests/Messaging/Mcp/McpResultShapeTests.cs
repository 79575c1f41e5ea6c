using System.ComponentModel;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.Mcp;
using Code.Core.Messaging.Transports;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Code.Core.Tests.Messaging.Mcp;

/// <summary>
/// The same raw requests sent to the SDK's own server (ModelContextProtocol 2.4.0) and to the engine's, on both revisions:
/// every result and error must have the SDK's shape (members and their JSON kinds) and the same error codes.
/// </summary>
public sealed class McpResultShapeTests
{
    private const string Meta = "\"_meta\":" + """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}""";

    private static string Modern(string json) => json.Replace("META", Meta, StringComparison.Ordinal);

    /// <summary>Subtrees whose content depends on what each server offers, compared by kind only.</summary>
    private static readonly HashSet<string> Opaque = ["capabilities", "inputSchema", "data"];

    public static TheoryData<string, string[]> Conversations => new()
    {
        {
            "2025-11-25",
            [
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""",
                """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
                """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""",
                """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}""",
                """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"text":5}}}""",
                """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{}}}""",
                """{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"fails"}}""",
                """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"nope"}}""",
                """{"jsonrpc":"2.0","id":8,"method":"tools/call"}""",
                """{"jsonrpc":"2.0","id":9,"method":"ping"}""",
            ]
        },
        {
            "2026-07-28",
            [
                Modern("""{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{META}}"""),
                Modern("""{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{META}}"""),
                Modern("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},META}}"""),
                Modern("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"text":5},META}}"""),
                Modern("""{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{},META}}"""),
                Modern("""{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"fails",META}}"""),
                Modern("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"nope",META}}"""),
                Modern("""{"jsonrpc":"2.0","id":9,"method":"ping","params":{META}}"""),
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public async Task Every_reply_has_the_sdk_servers_shape(string revision, string[] requests)
    {
        _ = revision;
        await using var sdk = await SdkServer.StartAsync();
        await using var engine = RawPeer.Start(EngineServer().Router);
        foreach (string request in requests)
        {
            bool isRequest = request.Contains("\"id\"", StringComparison.Ordinal);
            await sdk.SendAsync(request);
            await engine.SendMessageAsync(request);
            if (!isRequest)
            {
                continue;
            }

            JsonElement expected = await sdk.ReadAsync();
            JsonElement actual = await engine.ReadAsync();
            Assert.True(Shape(expected) == Shape(actual), $"{request}\n SDK:    {expected.GetRawText()}\n engine: {actual.GetRawText()}");
            if (expected.TryGetProperty("error", out JsonElement error))
            {
                Assert.Equal(error.GetProperty("code").GetInt32(), actual.GetProperty("error").GetProperty("code").GetInt32());
            }
        }
    }

    private static McpMessageServer EngineServer() => new McpMessageServer(new McpMessageServerOptions { ServerInfo = new() { Name = "engine", Version = "1" } })
        .AddTool("echo", "Echoes", JsonDocument.Parse("""{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""").RootElement.Clone(), static call =>
        {
            EchoArguments args = call.GetArguments(ShapeJsonContext.Default.EchoArguments)!;
            return ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = "Echo: " + args.Text }] });
        })
        .AddTool("fails", "Fails", JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone(), static _ => throw new InvalidOperationException("disk on fire"));

    private static string Shape(JsonElement element, string? name = null)
    {
        if (name is not null && Opaque.Contains(name))
        {
            return element.ValueKind.ToString();
        }

        return element.ValueKind switch
        {
            JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + ":" + Shape(p.Value, p.Name))) + "}",
            JsonValueKind.Array => "[" + (element.GetArrayLength() == 0 ? string.Empty : Shape(element[0])) + "]",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => element.ValueKind.ToString(),
        };
    }

    /// <summary>The SDK's server over in-memory pipes, fed raw lines.</summary>
    private sealed class SdkServer : IAsyncDisposable
    {
        private readonly Pipe _toServer = new();
        private readonly Pipe _toClient = new();
        private readonly StreamReader _replies;
        private McpServer? _server;
        private Task? _run;

        private SdkServer()
        {
            _replies = new StreamReader(_toClient.Reader.AsStream(), Encoding.UTF8);
        }

        public static Task<SdkServer> StartAsync()
        {
            var host = new SdkServer();
            host._server = McpServer.Create(
                new StreamServerTransport(host._toServer.Reader.AsStream(), host._toClient.Writer.AsStream()),
                new McpServerOptions
                {
                    ServerInfo = new() { Name = "sdk", Version = "1" },
                    ToolCollection =
                    [
                        McpServerTool.Create([Description("Echoes")] (string text) => "Echo: " + text, new() { Name = "echo" }),
                        McpServerTool.Create([Description("Fails")] () => ThrowDiskOnFire(), new() { Name = "fails" }),
                    ],
                });
            host._run = host._server.RunAsync();
            return Task.FromResult(host);
        }

        public async Task SendAsync(string line) => await _toServer.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

        public async Task<JsonElement> ReadAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            string? line = await _replies.ReadLineAsync(timeout.Token);
            return JsonDocument.Parse(line!).RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            await _toServer.Writer.CompleteAsync();
            await _server!.DisposeAsync();
            await _run!.WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _replies.Dispose();
        }

        private static string ThrowDiskOnFire() => throw new InvalidOperationException("disk on fire");
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(EchoArguments))]
internal sealed partial class ShapeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
