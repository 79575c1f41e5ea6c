using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using Code.Core.Messaging.Transports;

namespace Code.Core.Tests.Messaging;

/// <summary>Error texts, LSP cancellation, serializer failures, pooled response buffers and where continuations run.</summary>
public sealed class ConnectionHardeningTests
{
    [Fact]
    public async Task Handler_exception_text_stays_on_the_server_unless_asked_for()
    {
        await using (var peer = RawPeer.Start(TestRoutes.Create()))
        {
            await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"throw"}""");
            JsonElement error = (await peer.ReadAsync()).GetProperty("error");
            Assert.Equal(JsonRpcErrorCodes.InternalError, error.GetProperty("code").GetInt32());
            Assert.Equal("Internal error in 'throw'.", error.GetProperty("message").GetString());
            await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"throwAsync"}""");
            Assert.DoesNotContain("boom", (await peer.ReadAsync()).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        await using var detailed = RawPeer.Start(TestRoutes.Create(), new MessagingOptions { IncludeExceptionDetails = true });
        await detailed.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"throw"}""");
        Assert.Equal("Internal error in 'throw': boom", (await detailed.ReadAsync()).GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Lsp_cancellation_answers_the_cancelled_request_with_32800()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = TestRoutes.Create()
            .Map("slow", async context =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            })
            .Map("gated", async context =>
            {
                await gate.Task;
                context.SetRawResult("1"u8);
            });
        var options = new MessagingOptions { CancellationMethod = "$/cancelRequest", Normal = { MaxConcurrency = 2 } };
        await using var peer = RawPeer.Start(router, options);

        // A running request, cancelled with LSP's {"id": ...}.
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"slow"}""");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}""");
        JsonElement cancelled = await peer.ReadAsync();
        Assert.Equal(1, cancelled.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.RequestCancelled, cancelled.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32800, JsonRpcErrorCodes.RequestCancelled);

        // A queued request cancelled before it ran is answered the same way.
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"gated"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":3,"method":"gated"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":4,"method":"gated"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":4}}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"p","method":"ping"}""");
        Assert.Equal("p", (await peer.ReadAsync()).GetProperty("id").GetString());
        gate.SetResult();
        var replies = new[] { await peer.ReadAsync(), await peer.ReadAsync(), await peer.ReadAsync() }.ToDictionary(r => r.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.RequestCancelled, replies[4].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(1, replies[2].GetProperty("result").GetInt32());
    }

    [Fact]
    public async Task Lsp_client_cancellation_sends_the_id_member()
    {
        var (a, b) = MessageTransports.CreatePipePair();
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter(), new MessagingOptions { CancellationMethod = "$/cancelRequest" });
        client.Start();
        using var cts = new CancellationTokenSource();
        ValueTask<JsonRpcResponse> call = client.SendRequestAsync("x", ReadOnlyMemory<byte>.Empty, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
        var lines = await ReadLinesAsync(a, 2);
        Assert.Equal("""{"id":1}""", lines[1].GetProperty("params").GetRawText());
        await a.Output.CompleteAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_serializer_that_throws_leaves_nothing_on_the_wire_and_the_connection_serves_on(bool throwsInvalidOperation)
    {
        var (a, b) = MessageTransports.CreatePipePair();
        await using var server = new JsonRpcConnection(a, TestRoutes.Create());
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        server.Start();
        client.Start();
        JsonTypeInfo<Exploding> typeInfo = ExplodingContext(throwsInvalidOperation);

        Exception notification = await Assert.ThrowsAnyAsync<Exception>(async () => await client.SendNotificationAsync("note", new Exploding("x"), typeInfo));
        Assert.Contains("half way", notification.Message, StringComparison.Ordinal);
        Exception request = await Assert.ThrowsAnyAsync<Exception>(async () => await client.SendRequestAsync("echo", new Exploding("y"), typeInfo, CancellationToken.None));
        Assert.Contains("half way", request.Message, StringComparison.Ordinal);

        using JsonRpcResponse after = await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("[1]"), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("[1]", Encoding.UTF8.GetString(after.Result.Span));
    }

    [Fact]
    public async Task A_response_disposed_twice_returns_its_buffer_once()
    {
        var (a, b) = MessageTransports.CreatePipePair();
        await using var server = new JsonRpcConnection(a, TestRoutes.Create());
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        server.Start();
        client.Start();
        JsonRpcResponse first = await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("[\"first\"]"), CancellationToken.None);
        JsonRpcResponse copy = first;
        first.Dispose();
        copy.Dispose();
        Assert.True(first.Result.IsEmpty);

        // Had the buffer gone back to the pool twice, two later responses would share it.
        using JsonRpcResponse second = await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("[\"second\"]"), CancellationToken.None);
        using JsonRpcResponse third = await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("[\"third\"]"), CancellationToken.None);
        Assert.Equal("[\"second\"]", Encoding.UTF8.GetString(second.Result.Span));
        Assert.Equal("[\"third\"]", Encoding.UTF8.GetString(third.Result.Span));
    }

    [Fact]
    public async Task A_response_continuation_that_blocks_does_not_stop_the_read_loop()
    {
        var (a, b) = MessageTransports.CreatePipePair();
        await using var server = new JsonRpcConnection(a, TestRoutes.Create());
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        server.Start();
        client.Start();

        Task<string> blocking = BlockInContinuationAsync(client);
        Assert.Equal("[2]", await blocking.WaitAsync(TimeSpan.FromSeconds(20)));

        static async Task<string> BlockInContinuationAsync(JsonRpcConnection client)
        {
            // No synchronization context: the continuation runs where the response completes it.
            using JsonRpcResponse first = await client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("[1]"), CancellationToken.None).ConfigureAwait(false);

            // Synchronous wait inside the continuation: only possible if the read loop is free to read the answer.
            using JsonRpcResponse second = client.SendRequestAsync("echo", Encoding.UTF8.GetBytes("[2]"), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return Encoding.UTF8.GetString(second.Result.Span);
        }
    }

    private static async Task<List<JsonElement>> ReadLinesAsync(System.IO.Pipelines.IDuplexPipe pipe, int count)
    {
        var lines = new List<JsonElement>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (lines.Count < count)
        {
            var result = await pipe.Input.ReadAsync(timeout.Token);
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (lines.Count < count && buffer.PositionOf((byte)'\n') is { } newline)
            {
                lines.Add(JsonDocument.Parse(buffer.Slice(0, newline)).RootElement.Clone());
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
            }

            pipe.Input.AdvanceTo(buffer.Start, buffer.End);
        }

        return lines;
    }

    private static JsonTypeInfo<Exploding> ExplodingContext(bool throwsInvalidOperation)
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver(), Converters = { new ExplodingConverter(throwsInvalidOperation) } };
        return (JsonTypeInfo<Exploding>)options.GetTypeInfo(typeof(Exploding));
    }

    internal sealed record Exploding(string Name);

    /// <summary>Writes part of an object, then fails, as a buggy converter would.</summary>
    private sealed class ExplodingConverter(bool throwsInvalidOperation) : JsonConverter<Exploding>
    {
        public override Exploding Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, Exploding value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("name", value.Name);
            writer.WriteStartArray("list");
            writer.Flush();
            throw throwsInvalidOperation ? new InvalidOperationException("failed half way") : new FormatException("failed half way");
        }
    }
}
