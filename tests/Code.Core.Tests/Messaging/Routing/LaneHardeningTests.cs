using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.Routing;
using Microsoft.Extensions.Logging;

namespace Code.Core.Tests.Messaging.Routing;

/// <summary>Back-pressure that must not stop the rest of the traffic, and pooled request contexts under cancellation races.</summary>
public sealed class LaneHardeningTests
{
    private static string Echo(int id) => $$"""{"jsonrpc":"2.0","id":{{id}},"method":"echo","params":[{{id}}]}""";

    [Fact]
    public async Task Full_normal_lane_still_reads_the_response_a_running_handler_awaits()
    {
        var router = TestRoutes.Create().Map("ask", static async context =>
        {
            using var answer = await context.Connection.SendRequestAsync("client/answer", ReadOnlyMemory<byte>.Empty, context.CancellationToken);
            context.SetRawResult(answer.Result.Span);
        });
        var options = new MessagingOptions { Normal = { MaxConcurrency = 1, QueueCapacityBytes = 100, Policy = BackPressurePolicy.Wait } };
        await using var peer = RawPeer.Start(router, options);

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"ask","method":"ask"}""");
        JsonElement question = await peer.ReadAsync();
        Assert.Equal("client/answer", question.GetProperty("method").GetString());

        await peer.SendMessageAsync(Echo(2));   // queued: the handler holds the lane's only slot
        await peer.SendMessageAsync(Echo(3));   // the queue is full: this one waits for room
        await peer.SendMessageAsync(Echo(4));
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":4}}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"p","method":"ping"}""");
        await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","id":{{question.GetProperty("id").GetRawText()}},"result":"forty-two"}""");

        JsonElement ping = await peer.ReadAsync();
        Assert.Equal("p", ping.GetProperty("id").GetString());
        var replies = new List<JsonElement> { await peer.ReadAsync(), await peer.ReadAsync(), await peer.ReadAsync() };
        Assert.Equal("forty-two", replies.Single(r => r.GetProperty("id").ValueKind == JsonValueKind.String).GetProperty("result").GetString());
        Assert.Equal([2, 3], replies.Where(r => r.GetProperty("id").ValueKind == JsonValueKind.Number).Select(r => r.GetProperty("result")[0].GetInt32()).Order());

        // Request 4 was cancelled while it waited: it never ran and got no response.
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"q","method":"ping"}""");
        Assert.Equal("q", (await peer.ReadAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Wait_lane_stops_reading_once_twice_its_capacity_is_waiting()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = TestRoutes.Create().Map("work", async context =>
        {
            await gate.Task;
            context.SetRawResult(context.Params.Span);
        });
        var options = new MessagingOptions { Normal = { MaxConcurrency = 1, QueueCapacityBytes = 100, Policy = BackPressurePolicy.Wait } };
        await using var peer = RawPeer.Start(router, options);
        for (int i = 1; i <= 6; i++)
        {
            await peer.SendMessageAsync($$"""{"jsonrpc":"2.0","id":{{i}},"method":"work","params":[{{i}}]}""");
        }

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"p","method":"ping"}""");

        // 52-byte requests, 100-byte capacity: 1 runs, 2 is queued, 3 and 4 wait behind it (208 bytes would pass twice
        // the capacity), and 5, read but not admitted, stops the read loop: the ping behind it is not read yet.
        Assert.True(SpinWait.SpinUntil(() => peer.Connection.PendingWork == 5, TimeSpan.FromSeconds(20)), $"pending {peer.Connection.PendingWork}");
        Assert.Equal(3, peer.Connection.GetQueueLength(MessageLane.Normal));
        gate.SetResult();
        var ids = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            ids.Add((await peer.ReadAsync()).GetProperty("id").GetRawText());
        }

        Assert.Equal("1", ids[0]);
        Assert.Equal(["\"p\"", "1", "2", "3", "4", "5", "6"], ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cancellation_racing_completion_never_touches_the_next_request_on_the_same_pooled_context()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JsonRpcConnection? connection = null;
        var logger = new CancellationLogHook(() =>
        {
            // The read loop has found request A and is about to cancel it: let A finish first, as a peer's
            // cancellation crossing the response on the wire would.
            gate.TrySetResult();
            Assert.True(SpinWait.SpinUntil(() => connection!.PendingWork == 0, TimeSpan.FromSeconds(20)));
        });
        var router = TestRoutes.Create().Map("gated", async context =>
        {
            await gate.Task;
            context.SetRawResult("\"A done\""u8);
        });
        var (client, server) = Code.Core.Messaging.Transports.MessageTransports.CreatePipePair();
        connection = new JsonRpcConnection(server, router, logger: logger);
        await using var peer = RawPeer.Attach(client, connection);

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"A","method":"gated"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"A"}}""");
        Assert.Equal("A done", (await peer.ReadAsync()).GetProperty("result").GetString());

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"B","method":"echo","params":["B"]}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"p","method":"ping"}""");
        JsonElement next = await peer.ReadAsync();
        Assert.Equal("B", next.GetProperty("id").GetString());
        Assert.Equal("""["B"]""", next.GetProperty("result").GetRawText());
    }

    /// <summary>Runs a callback when the connection logs that the peer cancelled a request (between finding it and cancelling it).</summary>
    private sealed class CancellationLogHook(Action onCancelling) : ILogger<JsonRpcConnection>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).StartsWith("The peer cancelled request", StringComparison.Ordinal))
            {
                onCancelling();
            }
        }
    }
}
