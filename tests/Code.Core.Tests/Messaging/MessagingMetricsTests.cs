using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;

namespace Code.Core.Tests.Messaging;

[CollectionDefinition(nameof(MessagingMetricsTests), DisableParallelization = true)]
public sealed class MessagingMetricsSerialGroup;

/// <summary>The "Code.Core" messaging instruments and activities; run alone so no other test's traffic is counted.</summary>
[Collection(nameof(MessagingMetricsTests))]
public sealed class MessagingMetricsTests
{
    [Fact]
    public async Task Latency_throughput_errors_and_queue_depth_are_recorded()
    {
        var recorded = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Code.Core" && instrument.Name.StartsWith("code.core.messaging.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => recorded.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => recorded.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.Start();

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = TestRoutes.Create().Map("metered/work", async context =>
        {
            await gate.Task;
            context.SetRawResult("1"u8);
        });
        await using var peer = RawPeer.Start(router, new MessagingOptions { Normal = { MaxConcurrency = 1 } });
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":1,"method":"metered/work"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":2,"method":"metered/work"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":3,"method":"metered/work"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","method":"note"}""");
        await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":4,"method":"no/such"}""");
        Assert.Equal(4, (await peer.ReadAsync()).GetProperty("id").GetInt32());
        Assert.Equal(3, Sum(recorded, "code.core.messaging.queue.depth", "lane", "normal")); // two requests and the notification wait behind request 1

        gate.SetResult();
        for (int i = 0; i < 3; i++)
        {
            await peer.ReadAsync();
        }

        // The response is written before the request's measurements close; wait for the last one.
        SpinWait.SpinUntil(() => recorded.Count(r => r.Instrument == "code.core.messaging.request.duration" && Equals(r.Tags["method"], "metered/work")) == 3, TimeSpan.FromSeconds(10));
        Assert.Equal(3, recorded.Count(r => r.Instrument == "code.core.messaging.request.duration" && Equals(r.Tags["method"], "metered/work") && Equals(r.Tags["lane"], "normal") && r.Value >= 0));
        Assert.Equal(0, Sum(recorded, "code.core.messaging.queue.depth", "lane", "normal"));
        Assert.Equal(4, Sum(recorded, "code.core.messaging.messages", "kind", "request"));
        Assert.Equal(1, Sum(recorded, "code.core.messaging.messages", "kind", "notification"));
        Assert.Equal(1, Sum(recorded, "code.core.messaging.errors", "code", JsonRpcErrorCodes.MethodNotFound));
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
            await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"a1","method":"add","params":{"a":1,"b":2}}""");
            await peer.ReadAsync();
            await peer.SendMessageAsync("""{"jsonrpc":"2.0","id":"a2","method":"throw"}""");
            await peer.ReadAsync();
        }

        Activity ok = Assert.Single(activities, a => Equals(a.GetTagItem("rpc.jsonrpc.request_id"), "\"a1\""));
        Assert.Equal("add", ok.DisplayName);
        Assert.Equal("add", ok.GetTagItem("rpc.method"));
        Assert.Equal(ActivityKind.Server, ok.Kind);
        Activity failed = Assert.Single(activities, a => Equals(a.GetTagItem("rpc.jsonrpc.request_id"), "\"a2\""));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);

        int before = activities.Count;
        await using var quiet = RawPeer.Start(TestRoutes.Create());
        await quiet.SendMessageAsync("""{"jsonrpc":"2.0","id":"a3","method":"add","params":{"a":1,"b":2}}""");
        await quiet.ReadAsync();
        Assert.Equal(before, activities.Count);
    }

    private static double Sum(IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> recorded, string instrument, string tag, object value)
        => recorded.Where(r => r.Instrument == instrument && Equals(r.Tags.GetValueOrDefault(tag), value)).Sum(r => r.Value);

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
