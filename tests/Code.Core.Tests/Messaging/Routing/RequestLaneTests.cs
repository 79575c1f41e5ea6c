using System.Text;
using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using Code.Core.Messaging.Transports;

namespace Code.Core.Tests.Messaging.Routing;

public sealed class RequestLaneTests
{
    private static JsonRpcRouter GatedRouter(TaskCompletionSource gate, Action? onStart = null, Action? onEnd = null)
    {
        var router = TestRoutes.Create();
        router.Map("work", async context =>
        {
            onStart?.Invoke();
            try
            {
                await gate.Task.WaitAsync(context.CancellationToken);
                context.SetRawResult(context.Params.Span);
            }
            finally
            {
                onEnd?.Invoke();
            }
        });
        return router;
    }

    private static string Work(int id) => $$"""{"jsonrpc":"2.0","id":{{id}},"method":"work","params":[{{id}}]}""";

    [Fact]
    public async Task Full_lane_with_reject_policy_answers_server_busy_while_control_traffic_still_flows()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new MessagingOptions { Normal = { MaxConcurrency = 1, QueueCapacityBytes = 100, Policy = BackPressurePolicy.Reject } };
        await using var peer = RawPeer.Start(GatedRouter(gate), options);

        await peer.SendMessageAsync(Work(1));   // runs
        await peer.SendMessageAsync(Work(2));   // queued: an empty queue always takes one
        await peer.SendMessageAsync(Work(3));   // over 100 queued bytes: rejected
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"p","method":"ping"}""");

        JsonElement busy = await peer.ReadAsync();
        Assert.Equal(3, busy.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.ServerBusy, busy.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("busy", busy.GetProperty("error").GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);

        // The control lane has its own slots: ping is answered while tool work is stuck.
        JsonElement ping = await peer.ReadAsync();
        Assert.Equal("p", ping.GetProperty("id").GetString());
        Assert.Equal(1, peer.Connection.GetQueueLength(MessageLane.Normal));

        gate.SetResult();
        var done = new[] { await peer.ReadAsync(), await peer.ReadAsync() }.Select(r => r.GetProperty("id").GetInt32()).Order();
        Assert.Equal([1, 2], done);
    }

    [Fact]
    public async Task Full_lane_with_wait_policy_stops_reading_until_there_is_room_and_loses_nothing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new MessagingOptions { Normal = { MaxConcurrency = 1, QueueCapacityBytes = 100, Policy = BackPressurePolicy.Wait } };
        await using var peer = RawPeer.Start(GatedRouter(gate), options);

        for (int i = 1; i <= 6; i++)
        {
            await peer.SendMessageAsync(Work(i));
        }

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"p","method":"ping"}""");
        gate.SetResult();

        var ids = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            JsonElement reply = await peer.ReadAsync();
            Assert.False(reply.TryGetProperty("error", out _), reply.GetRawText());
            ids.Add(reply.GetProperty("id").GetRawText());
        }

        Assert.Equal(["\"p\"", "1", "2", "3", "4", "5", "6"], ids.Order(StringComparer.Ordinal));
        Assert.Equal("1", ids[0]);
    }

    [Fact]
    public async Task Concurrency_limit_is_never_exceeded_and_queued_requests_all_run()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, peak = 0, started = 0;
        var threeStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = GatedRouter(gate, () =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            if (Interlocked.Increment(ref started) == 3)
            {
                threeStarted.TrySetResult();
            }
        }, () => Interlocked.Decrement(ref running));
        var options = new MessagingOptions { Normal = { MaxConcurrency = 3 } };
        await using var peer = RawPeer.Start(router, options);

        for (int i = 1; i <= 20; i++)
        {
            await peer.SendMessageAsync(Work(i));
        }

        await threeStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"p","method":"ping"}""");
        Assert.Equal("p", (await peer.ReadAsync()).GetProperty("id").GetString());
        Assert.Equal(17, peer.Connection.GetQueueLength(MessageLane.Normal));

        gate.SetResult();
        var ids = new HashSet<int>();
        for (int i = 0; i < 20; i++)
        {
            ids.Add((await peer.ReadAsync()).GetProperty("id").GetInt32());
        }

        Assert.Equal(20, ids.Count);
        Assert.Equal(3, peak);
    }

    [Fact]
    public async Task Cancelled_notification_cancels_the_running_handler_and_no_response_is_sent()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = TestRoutes.Create().Map("slow", async context =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.SetResult();
                throw;
            }
        });
        await using var peer = RawPeer.Start(router);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"job-1","method":"slow"}""");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"job-1","reason":"user"}}""");
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        Assert.Equal(2, (await peer.ReadAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Request_cancelled_while_queued_never_runs()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int runs = 0;
        var options = new MessagingOptions { Normal = { MaxConcurrency = 1 } };
        await using var peer = RawPeer.Start(GatedRouter(gate, () => Interlocked.Increment(ref runs)), options);
        await peer.SendMessageAsync(Work(1));
        await peer.SendMessageAsync(Work(2));
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"p","method":"ping"}""");
        Assert.Equal("p", (await peer.ReadAsync()).GetProperty("id").GetString());
        gate.SetResult();
        Assert.Equal(1, (await peer.ReadAsync()).GetProperty("id").GetInt32());
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"q","method":"ping"}""");
        Assert.Equal("q", (await peer.ReadAsync()).GetProperty("id").GetString());
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Handler_sends_progress_notifications_before_its_result()
    {
        var router = new JsonRpcRouter().Map("long", static async context =>
        {
            for (int i = 1; i <= 3; i++)
            {
                await context.Connection.SendNotificationAsync("progress", Encoding.UTF8.GetBytes($"{{\"step\":{i}}}"));
            }

            context.SetRawResult("\"done\""u8);
        });
        await using var peer = RawPeer.Start(router);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"long"}""");
        for (int i = 1; i <= 3; i++)
        {
            JsonElement note = await peer.ReadAsync();
            Assert.Equal("progress", note.GetProperty("method").GetString());
            Assert.False(note.TryGetProperty("id", out _));
            Assert.Equal(i, note.GetProperty("params").GetProperty("step").GetInt32());
        }

        Assert.Equal("done", (await peer.ReadAsync()).GetProperty("result").GetString());
    }

    [Fact]
    public async Task Notification_sent_before_a_handlers_first_await_reaches_the_peer_while_it_still_runs()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = new JsonRpcRouter().Map("long", async context =>
        {
            await context.Connection.SendNotificationAsync("started", ReadOnlyMemory<byte>.Empty);
            await gate.Task;
        });
        await using var peer = RawPeer.Start(router);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"long"}""");
        Assert.Equal("started", (await peer.ReadAsync()).GetProperty("method").GetString());
        gate.SetResult();
        Assert.Equal(1, (await peer.ReadAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Client_cancellation_fails_the_call_and_cancels_the_peer_handler()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = new JsonRpcRouter().Map("slow", async context =>
        {
            started.SetResult();
            await using (context.CancellationToken.Register(() => cancelled.SetResult()))
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
        });
        var (a, b) = MessageTransports.CreatePipePair();
        await using var server = new JsonRpcConnection(a, router);
        await using var client = new JsonRpcConnection(b, new JsonRpcRouter());
        server.Start();
        client.Start();
        using var cts = new CancellationTokenSource();
        ValueTask<JsonRpcResponse> call = client.SendRequestAsync("slow", ReadOnlyMemory<byte>.Empty, cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Graceful_shutdown_drains_in_flight_requests_then_closes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new MessagingOptions { Normal = { MaxConcurrency = 2 } };
        var peer = RawPeer.Start(GatedRouter(gate, () =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                allStarted.SetResult();
            }
        }), options);
        await peer.SendMessageAsync(Work(1));
        await peer.SendMessageAsync(Work(2));
        await peer.SendMessageAsync(Work(3)); // queued: accepted, so drained too
        await allStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, peer.Connection.GetQueueLength(MessageLane.Normal));

        Task shutdown = peer.Connection.ShutdownAsync();
        await peer.SendMessageAsync(Work(4)); // after shutdown began: never read
        Assert.False(shutdown.IsCompleted);
        gate.SetResult();
        await shutdown.WaitAsync(TimeSpan.FromSeconds(20));

        List<JsonElement> replies = await peer.ReadToEndAsync();
        Assert.Equal([1, 2, 3], replies.Select(r => r.GetProperty("result")[0].GetInt32()).Order());
        await peer.DisposeAsync();
    }

    [Fact]
    public async Task Cancelled_shutdown_cancels_handlers_and_answers_them()
    {
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = new JsonRpcRouter().Map("stuck", async context =>
        {
            allStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        });
        var peer = RawPeer.Start(router);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"stuck"}""");
        await allStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        using var cts = new CancellationTokenSource();
        Task shutdown = peer.Connection.ShutdownAsync(cts.Token);
        await cts.CancelAsync();
        await shutdown.WaitAsync(TimeSpan.FromSeconds(20));
        JsonElement reply = Assert.Single(await peer.ReadToEndAsync());
        Assert.Equal(JsonRpcErrorCodes.ShuttingDown, reply.GetProperty("error").GetProperty("code").GetInt32());
        await peer.DisposeAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
