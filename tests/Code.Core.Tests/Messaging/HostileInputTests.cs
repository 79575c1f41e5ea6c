using System.Text;
using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Mcp;
using Code.Core.Messaging.Routing;
using Code.Core.Messaging.Transports;

namespace Code.Core.Tests.Messaging;

/// <summary>
/// Strings a peer can send that <see cref="Utf8JsonReader"/> accepts as JSON but cannot decode: invalid UTF-8 bytes and
/// unpaired surrogate escapes, in every place the engine reads text. Each must get a JSON-RPC error (or be ignored, for
/// what is never answered) and leave the connection serving.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28, 0xFF];

    public static TheoryData<string> UndecodableRequests => new()
    {
        """{"jsonrpc":"2.0","id":"\ud800","method":"ping"}""",
        """{"jsonrpc":"2.0","id":"a\udc00b","method":"echo","params":[1]}""",
        """{"jsonrpc":"2.0","id":1,"method":"\ud800"}""",
        """{"jsonrpc":"2.0","id":2,"method":"ec\udfffho"}""",
        """{"jsonrpc":"2.0","id":3,"\ud800":1,"method":"ping"}""",
        """{"jsonrpc":"\ud800","id":4,"method":"ping"}""",
        """{"jsonrpc":"2.0","i\u0064":5,"m\ud800ethod":"ping"}""",
        """[{"jsonrpc":"2.0","id":6,"method":"ping"},{"jsonrpc":"2.0","id":"\ud800","method":"ping"},{"jsonrpc":"2.0","id":7,"method":"\udc00"}]""",
        """{"jsonrpc":"2.0","method":"\ud800"}""",
    };

    [Theory]
    [MemberData(nameof(UndecodableRequests))]
    public async Task Unpaired_surrogate_escapes_get_an_error_and_the_connection_serves_on(string message)
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendMessageAsync(message);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");
        await AssertAnsweredThenServesAsync(peer);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("method")]
    [InlineData("jsonrpc")]
    [InlineData("name")]
    public async Task Invalid_utf8_bytes_get_an_error_and_the_connection_serves_on(string member)
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        byte[] message = member switch
        {
            "id" => Concat("""{"jsonrpc":"2.0","id":" """, InvalidUtf8, """ ","method":"ping"}""" + "\n"),
            "method" => Concat("""{"jsonrpc":"2.0","id":1,"method":" """, InvalidUtf8, """ "}""" + "\n"),
            "jsonrpc" => Concat("""{"jsonrpc":" """, InvalidUtf8, """ ","id":1,"method":"ping"}""" + "\n"),
            _ => Concat("""{"jsonrpc":"2.0","id":1,"method":"ping"," """, InvalidUtf8, """ ":0}""" + "\n"),
        };
        await peer.SendAsync(message);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");
        await AssertAnsweredThenServesAsync(peer);
    }

    [Fact]
    public async Task Undecodable_request_id_is_refused_naming_the_member()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"\ud800","method":"ping"}""");
        JsonElement reply = await peer.ReadAsync();
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("id").ValueKind);
        JsonElement error = reply.GetProperty("error");
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, error.GetProperty("code").GetInt32());
        Assert.Contains("'id'", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":9,"method":"\ud800"}""");
        JsonElement method = await peer.ReadAsync();
        Assert.Equal(9, method.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, method.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("'method'", method.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"requestId":"\ud800"}""")]
    [InlineData("""{"request\ud800Id":1}""")]
    [InlineData("""{"requestId":1,"reason":"\ud800"}""")]
    public async Task Undecodable_cancellation_is_ignored_and_the_connection_serves_on(string parameters)
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{{parameters}}}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");
        JsonElement reply = await peer.ReadAsync();
        Assert.Equal("after", reply.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":"\ud800","method":"echo","params":["PAD"]}""")]
    [InlineData("""{"jsonrpc":"2.0","\ud800":0,"id":3,"method":"echo","params":["PAD"]}""")]
    public async Task Oversize_message_with_an_undecodable_prefix_is_refused(string template)
    {
        await using var peer = RawPeer.Start(TestRoutes.Create(), new MessagingOptions { MaxMessageSize = 256 });
        await peer.SendMessageAsync(template.Replace("PAD", new string('x', 1000), StringComparison.Ordinal));
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");
        JsonElement refused = await peer.ReadAsync();
        Assert.Equal(JsonRpcErrorCodes.MessageTooLarge, refused.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("after", (await peer.ReadAsync()).GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"message":"\ud800 broken","code":-32050}""")]
    [InlineData("""{"m\ud800essage":"x","code":-32050}""")]
    public async Task Undecodable_error_from_the_peer_fails_the_call_and_the_connection_serves_on(string error)
    {
        var (a, b) = MessageTransports.CreatePipePair();
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        client.Start();
        ValueTask<JsonRpcResponse> call = client.SendRequestAsync("x", ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        await a.Output.WriteAsync(Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":1,"error":{{error}}}""" + "\n"));
        var failure = await Assert.ThrowsAsync<JsonRpcException>(async () => await call);
        Assert.Equal(-32050, failure.Code);

        ValueTask<JsonRpcResponse> next = client.SendRequestAsync("y", ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        await a.Output.WriteAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":2,"result":7}""" + "\n"));
        using JsonRpcResponse response = await next;
        Assert.Equal("7", Encoding.UTF8.GetString(response.Result.Span));
        await a.Output.CompleteAsync();
    }

    [Theory]
    [InlineData("""{"name":"\ud800"}""", "UTF-8")]
    [InlineData("""{"name":"echo","arguments":{},"_meta":{"progressToken":"\ud800"}}""", "UTF-8")]
    [InlineData("""{"name":"echo","_meta":{"io.modelcontextprotocol/protocolVersion":"\ud800"}}""", "UTF-8")]
    [InlineData("""{"na\ud800me":"echo"}""", "'name'")]
    public async Task Undecodable_tool_call_params_are_invalid_params(string parameters, string reason)
    {
        var server = new McpMessageServer().AddTool("echo", "Echoes.", JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone(), static _ =>
            ValueTask.FromResult(new ModelContextProtocol.Protocol.CallToolResult()));
        await using var peer = RawPeer.Start(server.Router);
        await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{parameters}}}""");
        JsonElement error = (await peer.ReadAsync()).GetProperty("error");
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.Contains(reason, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        Assert.Equal(2, (await peer.ReadAsync()).GetProperty("id").GetInt32());
    }

    private static async Task AssertAnsweredThenServesAsync(RawPeer peer)
    {
        // Whatever the hostile message got (an error, or nothing for a notification), the ping after it is answered.
        while (true)
        {
            JsonElement reply = await peer.ReadAsync();
            IEnumerable<JsonElement> replies = reply.ValueKind == JsonValueKind.Array ? reply.EnumerateArray() : [reply];
            foreach (JsonElement one in replies)
            {
                if (one.GetProperty("id").ValueKind == JsonValueKind.String && one.GetProperty("id").GetString() == "after")
                {
                    Assert.True(one.TryGetProperty("result", out _));
                    Assert.False(peer.Connection.Completion.IsCompleted);
                    return;
                }
            }
        }
    }

    private static byte[] Concat(string head, byte[] middle, string tail) =>
        [.. Encoding.UTF8.GetBytes(head.TrimEnd()), .. middle, .. Encoding.UTF8.GetBytes(tail.TrimStart())];
}
