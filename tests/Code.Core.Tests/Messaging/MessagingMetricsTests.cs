using System.Collections.Concurrent;
using System.Diagnostics;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using Code.Testing;

namespace Code.Core.Tests.Messaging;

/// <summary>
/// The "Code.Core" messaging instruments and activities. Each test builds its connection with a meter factory of its own
/// and observes only that factory's meter, so tests running in parallel do not count each other's traffic.
/// </summary>
public sealed class MessagingMetricsTests
{
    [Fact]
    public async Task Latency_throughput_errors_and_queue_depth_are_recorded()
    {
        using var meterFactory = new TestMeterFactory();
        using var recorder = new MetricRecorder(meterFactory, "code.core.messaging.");

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = TestRoutes.Create().Map("metered/work", async context =>
        {
            await gate.Task;
            context.SetRawResult("1"u8);
        });
        await using var peer = RawPeer.Start(router, new MessagingOptions { Normal = { MaxConcurrency = 1 } }, meterFactory: meterFactory);
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"metered/work"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"metered/work"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":3,"method":"metered/work"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"note"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":4,"method":"no/such"}""");
        Assert.Equal(4, (await peer.ReadAsync()).GetProperty("id").GetInt32());
        Assert.Equal(3, Sum(recorder, "code.core.messaging.queue.depth", "lane", "normal")); // two requests and the notification wait behind request 1

        gate.SetResult();
        for (int i = 0; i < 3; i++)
        {
            await peer.ReadAsync();
        }

        // The response is written before the request's measurements close; wait for the last one.
        SpinWait.SpinUntil(() => recorder.Measurements.Count(r => r.Instrument == "code.core.messaging.request.duration" && Equals(r.Tags["method"], "metered/work")) == 3, TimeSpan.FromSeconds(10));
        Assert.Equal(3, recorder.Measurements.Count(r => r.Instrument == "code.core.messaging.request.duration" && Equals(r.Tags["method"], "metered/work") && Equals(r.Tags["lane"], "normal") && r.Value >= 0));
        Assert.Equal(0, Sum(recorder, "code.core.messaging.queue.depth", "lane", "normal"));
        Assert.Equal(4, Sum(recorder, "code.core.messaging.messages", "kind", "request"));
        Assert.Equal(1, Sum(recorder, "code.core.messaging.messages", "kind", "notification"));
        Assert.Equal(1, Sum(recorder, "code.core.messaging.errors", "code", JsonRpcErrorCodes.MethodNotFound));
    }

    [Fact]
    public async Task Connections_built_with_another_factory_or_none_are_not_observed()
    {
        using var mine = new TestMeterFactory();
        using var other = new TestMeterFactory();
        using var recorder = new MetricRecorder(mine, "code.core.messaging.");
        await using (var elsewhere = RawPeer.Start(TestRoutes.Create(), meterFactory: other))
        {
            await elsewhere.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
            await elsewhere.ReadAsync();
        }

        await using (var shared = RawPeer.Start(TestRoutes.Create()))
        {
            await shared.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
            await shared.ReadAsync();
        }

        Assert.Empty(recorder.Measurements);
        await using var observed = RawPeer.Start(TestRoutes.Create(), meterFactory: mine);
        await observed.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        await observed.ReadAsync();
        Assert.Equal(1, Sum(recorder, "code.core.messaging.messages", "kind", "request"));
    }

    [Fact]
    public async Task An_activity_per_request_only_when_a_listener_is_attached()
    {
        var activities = new ConcurrentQueue<Activity>();
        using (var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Code.Core",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        })
        {
            ActivitySource.AddActivityListener(listener);
            await using var peer = RawPeer.Start(TestRoutes.Create());
            await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"metrics-a1","method":"add","params":{"a":1,"b":2}}""");
            await peer.ReadAsync();
            await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"metrics-a2","method":"throw"}""");
            await peer.ReadAsync();
        }

        Activity ok = Assert.Single(activities, a => Equals(a.GetTagItem("rpc.jsonrpc.request_id"), "\"metrics-a1\""));
        Assert.Equal("add", ok.DisplayName);
        Assert.Equal("add", ok.GetTagItem("rpc.method"));
        Assert.Equal(ActivityKind.Server, ok.Kind);
        Activity failed = Assert.Single(activities, a => Equals(a.GetTagItem("rpc.jsonrpc.request_id"), "\"metrics-a2\""));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);

        int before = activities.Count;
        await using var quiet = RawPeer.Start(TestRoutes.Create());
        await quiet.SendMessageAsync("""{"jsonrpc":"2.0","id":"a3","method":"add","params":{"a":1,"b":2}}""");
        await quiet.ReadAsync();
        Assert.Equal(before, activities.Count);
    }

    private static double Sum(MetricRecorder recorder, string instrument, string tag, object value)
        => recorder.Measurements.Where(r => r.Instrument == instrument && Equals(r.Tags.GetValueOrDefault(tag), value)).Sum(r => r.Value);
}
