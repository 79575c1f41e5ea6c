using System.Text;
using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using Code.Core.Messaging.Transports;

namespace Code.Core.Tests.Messaging;

public sealed class JsonRpcConnectionTests
{
    [Fact]
    public async Task Request_with_number_id_gets_its_result()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":7,"method":"add","params":{"a":2,"b":40}}""");
        JsonElement reply = await peer.ReadAsync();
        Assert.Equal("2.0", reply.GetProperty("jsonrpc").GetString());
        Assert.Equal(7, reply.GetProperty("id").GetInt64());
        Assert.Equal(42, reply.GetProperty("result").GetInt64());
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"with \\\"escapes\\\" \\u00e9\"")]
    [InlineData("-12")]
    [InlineData("9007199254740993")]
    [InlineData("1.5")]
    [InlineData("null")]
    public async Task Id_is_echoed_with_its_json_type(string id)
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"echo","params":[1]}""");
        JsonElement reply = await peer.ReadAsync();
        JsonElement expected = JsonDocument.Parse(id).RootElement;
        JsonElement actual = reply.GetProperty("id");
        Assert.Equal(expected.ValueKind, actual.ValueKind);
        Assert.Equal(expected.ValueKind == JsonValueKind.String ? expected.GetString() : expected.GetRawText(), actual.ValueKind == JsonValueKind.String ? actual.GetString() : actual.GetRawText());
        Assert.Equal("[1]", reply.GetProperty("result").GetRawText());
    }

    [Fact]
    public async Task Params_result_is_passed_through_unchanged()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        const string Params = """{"nested":{"list":[1,2.5,"x",null,true],"s":"\u00e9\n"}}""";
        await peer.SendMessageAsync($$"""{"params":{{Params}},"method":"echo","id":1,"jsonrpc":"2.0"}""");
        JsonElement reply = await peer.ReadAsync();
        Assert.Equal(Params, reply.GetProperty("result").GetRawText());
    }

    [Fact]
    public async Task Notifications_get_no_response()
    {
        var seen = new List<string>();
        await using var peer = RawPeer.Start(TestRoutes.Create(seen.Add));
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"note","params":{"n":1}}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"unknown-notification"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"throw"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");
        JsonElement reply = await peer.ReadAsync();
        Assert.Equal("after", reply.GetProperty("id").GetString());
        Assert.Equal(["""{"n":1}"""], seen);
    }

    [Theory]
    [InlineData("{not json", JsonRpcErrorCodes.ParseError, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"echo"} trailing""", JsonRpcErrorCodes.ParseError, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"echo","params":[1,}""", JsonRpcErrorCodes.ParseError, null)]
    [InlineData("""{"id":3,"method":"echo"}""", JsonRpcErrorCodes.InvalidRequest, "3")]
    [InlineData("""{"jsonrpc":"1.0","id":4,"method":"echo"}""", JsonRpcErrorCodes.InvalidRequest, "4")]
    [InlineData("""{"jsonrpc":"2.0","id":5,"method":42}""", JsonRpcErrorCodes.InvalidRequest, "5")]
    [InlineData("""{"jsonrpc":"2.0","id":{"x":1},"method":"echo"}""", JsonRpcErrorCodes.InvalidRequest, null)]
    [InlineData("""{"jsonrpc":"2.0","id":6,"method":"echo","params":"text"}""", JsonRpcErrorCodes.InvalidRequest, "6")]
    [InlineData("""{"jsonrpc":"2.0","id":7}""", JsonRpcErrorCodes.InvalidRequest, "7")]
    [InlineData("""42""", JsonRpcErrorCodes.InvalidRequest, null)]
    [InlineData("""[]""", JsonRpcErrorCodes.InvalidRequest, null)]
    [InlineData("""{"jsonrpc":"2.0","id":8,"method":"no/such"}""", JsonRpcErrorCodes.MethodNotFound, "8")]
    [InlineData("""{"jsonrpc":"2.0","id":9,"method":"add","params":{"a":"x"}}""", JsonRpcErrorCodes.InvalidParams, "9")]
    [InlineData("""{"jsonrpc":"2.0","id":10,"method":"throw"}""", JsonRpcErrorCodes.InternalError, "10")]
    [InlineData("""{"jsonrpc":"2.0","id":11,"method":"throwAsync"}""", JsonRpcErrorCodes.InternalError, "11")]
    public async Task Bad_messages_get_the_standard_error_and_the_connection_lives_on(string message, int code, string? id)
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendMessageAsync(message);
        JsonElement reply = await peer.ReadAsync();
        JsonElement error = reply.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(id ?? "null", reply.GetProperty("id").GetRawText());

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"next","method":"add","params":{"a":1,"b":1}}""");
        JsonElement next = await peer.ReadAsync();
        Assert.Equal(2, next.GetProperty("result").GetInt64());
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_parse_error_not_a_stack_overflow()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        string deep = new string('[', 10_000) + new string(']', 10_000);
        await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","id":1,"method":"echo","params":{{deep}}}""");
        Assert.Equal(JsonRpcErrorCodes.ParseError, (await peer.ReadAsync()).GetProperty("error").GetProperty("code").GetInt32());
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        Assert.Equal(2, (await peer.ReadAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Batch_over_the_limit_runs_the_first_members_and_reports_the_rest()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create(), new MessagingOptions { MaxBatchSize = 3 });
        string members = string.Join(",", Enumerable.Range(1, 5).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"ping"}"""));
        await peer.SendMessageAsync($"[{members}]");
        JsonElement reply = await peer.ReadAsync();
        var ids = reply.EnumerateArray().Select(r => r.GetProperty("id").GetRawText()).Order().ToList();
        Assert.Equal(["1", "2", "3", "null"], ids);
        JsonElement error = reply.EnumerateArray().Single(r => r.GetProperty("id").ValueKind == JsonValueKind.Null).GetProperty("error");
        Assert.Contains("at most 3", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_messages_say_what_was_wrong()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"no/such"}""");
        Assert.Contains("'no/such'", (await peer.ReadAsync()).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"throw"}""");
        Assert.Contains("'throw'", (await peer.ReadAsync()).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        await peer.SendMessageAsync("""{"jsonrpc":"1.0","id":3,"method":"echo"}""");
        Assert.Contains("\"2.0\"", (await peer.ReadAsync()).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_gets_one_array_with_a_response_per_request()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendMessageAsync("""
            [{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2}},
             {"jsonrpc":"2.0","method":"note"},
             {"jsonrpc":"2.0","id":2,"method":"no/such"},
             5,
             {"jsonrpc":"2.0","id":3,"method":"throwAsync"},
             {"jsonrpc":"2.0","id":"s","method":"echo","params":{"k":"v"}}]
            """.ReplaceLineEndings(""));
        JsonElement reply = await peer.ReadAsync();
        Assert.Equal(JsonValueKind.Array, reply.ValueKind);
        var byId = reply.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetRawText());
        Assert.Equal(5, byId.Count);
        Assert.Equal(3, byId["1"].GetProperty("result").GetInt64());
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, byId["2"].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, byId["null"].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.InternalError, byId["3"].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("""{"k":"v"}""", byId["\"s\""].GetProperty("result").GetRawText());
    }

    [Fact]
    public async Task Batch_of_notifications_gets_no_response()
    {
        var seen = new List<string>();
        await using var peer = RawPeer.Start(TestRoutes.Create(seen.Add));
        await peer.SendMessageAsync("""[{"jsonrpc":"2.0","method":"note","params":[1]},{"jsonrpc":"2.0","method":"note","params":[2]}]""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        JsonElement reply = await peer.ReadAsync();
        Assert.Equal(JsonValueKind.Object, reply.ValueKind);
        Assert.Equal(1, reply.GetProperty("id").GetInt32());
        Assert.Equal(["[1]", "[2]"], seen);
    }

    [Fact]
    public async Task Invalid_json_in_a_batch_is_one_parse_error_and_nothing_runs()
    {
        var seen = new List<string>();
        await using var peer = RawPeer.Start(TestRoutes.Create(seen.Add));
        await peer.SendMessageAsync("""[{"jsonrpc":"2.0","method":"note","params":[1]},{"jsonrpc":"2.0","method":""");
        JsonElement reply = await peer.ReadAsync();
        Assert.Equal(JsonRpcErrorCodes.ParseError, reply.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Empty(seen);
    }

    [Theory]
    [InlineData(MessageFraming.NewlineDelimited)]
    [InlineData(MessageFraming.ContentLength)]
    public async Task Oversize_message_is_refused_with_its_id_and_skipped(MessageFraming framing)
    {
        await using var peer = RawPeer.Start(TestRoutes.Create(), new MessagingOptions { Framing = framing, MaxMessageSize = 1024 });
        string big = new('x', 5000);
        await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","id":99,"method":"echo","params":["{{big}}"]}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":100,"method":"add","params":{"a":1,"b":2}}""");
        JsonElement refused = await peer.ReadAsync();
        Assert.Equal(99, refused.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.MessageTooLarge, refused.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("1024", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        JsonElement next = await peer.ReadAsync();
        Assert.Equal(100, next.GetProperty("id").GetInt32());
        Assert.Equal(3, next.GetProperty("result").GetInt32());
    }

    [Fact]
    public async Task Oversize_line_arriving_in_small_writes_is_skipped_without_buffering_it()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create(), new MessagingOptions { MaxMessageSize = 256 });
        await peer.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"echo","params":[""");
        for (int i = 0; i < 200; i++)
        {
            await peer.SendAsync("\"" + new string('y', 100) + "\",");
        }

        await peer.SendAsync("0]}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
        JsonElement refused = await peer.ReadAsync();
        Assert.Equal(1, refused.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.MessageTooLarge, refused.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(2, (await peer.ReadAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Messages_written_one_byte_at_a_time_are_all_answered()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create());
        byte[] bytes = Encoding.UTF8.GetBytes(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"s\":\"\u00e9\u4e2d\"}}\r\n" +
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"add\",\"params\":{\"a\":20,\"b\":22}}\n");
        foreach (byte b in bytes)
        {
            await peer.SendAsync([b]);
        }

        JsonElement first = await peer.ReadAsync();
        Assert.Equal("\u00e9\u4e2d", first.GetProperty("result").GetProperty("s").GetString());
        Assert.Equal(42, (await peer.ReadAsync()).GetProperty("result").GetInt32());
    }

    [Fact]
    public async Task Content_length_framing_round_trips()
    {
        await using var peer = RawPeer.Start(TestRoutes.Create(), new MessagingOptions { Framing = MessageFraming.ContentLength });
        await peer.SendAsync("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 62\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}}");
        Assert.Equal(3, (await peer.ReadAsync()).GetProperty("result").GetInt32());
        await peer.SendAsync("Content-Length: abc\r\n\r\n");
        Assert.Equal(JsonRpcErrorCodes.ParseError, (await peer.ReadAsync()).GetProperty("error").GetProperty("code").GetInt32());
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        Assert.Equal(2, (await peer.ReadAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Last_message_without_newline_is_handled_at_end_of_stream()
    {
        var peer = RawPeer.Start(TestRoutes.Create());
        await peer.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        await peer.CompleteOutputAsync();
        List<JsonElement> replies = await peer.ReadToEndAsync();
        Assert.Single(replies);
        await peer.DisposeAsync();
    }

    [Fact]
    public async Task Engine_is_usable_as_a_client_with_correlated_responses()
    {
        var (a, b) = MessageTransports.CreatePipePair();
        await using var server = new JsonRpcConnection(a, TestRoutes.Create());
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        server.Start();
        client.Start();

        var calls = Enumerable.Range(0, 50).Select(async i =>
        {
            using JsonRpcResponse response = await client.SendRequestAsync("add", new AddParams(i, 1000), TestJsonContext.Default.AddParams, CancellationToken.None);
            return response.Deserialize(TestJsonContext.Default.Int64);
        }).ToList();
        long[] results = await Task.WhenAll(calls);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i + 1000L), results);

        var error = await Assert.ThrowsAsync<JsonRpcException>(async () => await client.SendRequestAsync("no/such", ReadOnlyMemory<byte>.Empty, CancellationToken.None));
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, error.Code);

        using JsonRpcResponse raw = await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("[\"hi\"]"), CancellationToken.None);
        Assert.Equal("[\"hi\"]", Encoding.UTF8.GetString(raw.Result.Span));
    }

    [Fact]
    public async Task Pending_requests_fail_when_the_peer_goes_away()
    {
        var (silentPeer, b) = MessageTransports.CreatePipePair();
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        client.Start();
        ValueTask<JsonRpcResponse> call = client.SendRequestAsync("hang", ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        await silentPeer.Output.CompleteAsync();
        await Assert.ThrowsAsync<IOException>(async () => await call);
        await Assert.ThrowsAsync<IOException>(async () => await client.SendRequestAsync("late", ReadOnlyMemory<byte>.Empty, CancellationToken.None));
    }

    [Fact]
    public async Task Disposing_a_server_answers_its_running_requests_as_shutting_down()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (a, b) = MessageTransports.CreatePipePair();
        var router = new JsonRpcRouter().Map("hang", context =>
        {
            started.SetResult();
            return new ValueTask(Task.Delay(Timeout.Infinite, context.CancellationToken));
        });
        var server = new JsonRpcConnection(a, router);
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        server.Start();
        client.Start();
        ValueTask<JsonRpcResponse> call = client.SendRequestAsync("hang", ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await server.DisposeAsync();
        var error = await Assert.ThrowsAsync<JsonRpcException>(async () => await call);
        Assert.Equal(JsonRpcErrorCodes.ShuttingDown, error.Code);
    }

    [Fact]
    public async Task Two_engines_flooding_each_other_with_large_messages_do_not_deadlock()
    {
        string big = new('z', 200_000);
        var router = new JsonRpcRouter().Map("big", context =>
        {
            context.SetResult(big, TestJsonContext.Default.String);
            return ValueTask.CompletedTask;
        });
        var (a, b) = MessageTransports.CreatePipePair();
        await using var left = new JsonRpcConnection(a, router);
        await using var right = new JsonRpcConnection(b, router);
        left.Start();
        right.Start();
        byte[] payload = Encoding.UTF8.GetBytes("[\"" + big + "\"]");
        var calls = new List<Task>();
        for (int i = 0; i < 20; i++)
        {
            calls.Add(Call(left));
            calls.Add(Call(right));
        }

        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        async Task Call(JsonRpcConnection connection)
        {
            using JsonRpcResponse response = await connection.SendRequestAsync("big", payload, CancellationToken.None);
            Assert.Equal(big.Length + 2, response.Result.Length);
        }
    }

    [Fact]
    public async Task Raw_json_with_line_breaks_never_breaks_newline_framing()
    {
        var router = new JsonRpcRouter().Map("pretty", static context =>
        {
            context.SetRawResult("{\n  \"a\": [1,\r\n 2],\n  \"s\": \"x\\ny\"\n}"u8);
            return ValueTask.CompletedTask;
        }).Map("fail", static _ => throw new JsonRpcException(-32050, "with data", "{\n\"why\": \"because\"\n}"))
          .Map("bad-data", static _ => throw new JsonRpcException(-32051, "bad data", "{not json"))
          .Map("echo", static context =>
        {
            context.SetRawResult(context.Params.Span);
            return ValueTask.CompletedTask;
        });
        var (a, b) = MessageTransports.CreatePipePair();
        await using var server = new JsonRpcConnection(a, router);
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        server.Start();
        client.Start();

        using (JsonRpcResponse pretty = await client.SendRequestAsync("pretty", ReadOnlyMemory<byte>.Empty, CancellationToken.None))
        {
            Assert.Equal("""{"a":[1,2],"s":"x\ny"}""", Encoding.UTF8.GetString(pretty.Result.Span));
        }

        using (JsonRpcResponse echoed = await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("[\n1,\n2\n]"), CancellationToken.None))
        {
            Assert.Equal("[1,2]", Encoding.UTF8.GetString(echoed.Result.Span));
        }

        var withData = await Assert.ThrowsAsync<JsonRpcException>(async () => await client.SendRequestAsync("fail", ReadOnlyMemory<byte>.Empty, CancellationToken.None));
        Assert.Equal("""{"why":"because"}""", withData.ErrorData);
        var withoutData = await Assert.ThrowsAsync<JsonRpcException>(async () => await client.SendRequestAsync("bad-data", ReadOnlyMemory<byte>.Empty, CancellationToken.None));
        Assert.Equal(-32051, withoutData.Code);
        Assert.Null(withoutData.ErrorData);

        await Assert.ThrowsAsync<ArgumentException>(async () => await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("{\"a\":"), CancellationToken.None));
        using JsonRpcResponse after = await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("{}"), CancellationToken.None);
        Assert.Equal("{}", Encoding.UTF8.GetString(after.Result.Span));
    }
}
