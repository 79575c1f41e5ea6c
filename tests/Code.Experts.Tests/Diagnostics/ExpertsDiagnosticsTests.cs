using System.Diagnostics;
using System.Diagnostics.Metrics;
using Code.Experts.Consultation;
using Code.Experts.Diagnostics;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Diagnostics;

public class ExpertsDiagnosticsTests
{
    [Fact]
    public async Task Consultations_expert_latency_failures_and_tokens_are_measured()
    {
        // Expert names unique to this test, so that parallel tests' measurements are told apart.
        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Code.Experts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, dictionary));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        using var host = new CircleHost(e => e
            .AddChatExpert("diag-ok", new ScriptedChatClient(_ => Task.FromResult(ScriptedChatClient.Reply(ScriptedChatClient.Verdict("hold", 0.9), 100, 7))))
            .AddChatExpert("diag-ok2", ScriptedChatClient.Answering("hold"))
            .AddChatExpert("diag-bad", new ScriptedChatClient(_ => throw new InvalidOperationException("x"))));
        await host.Circle.ConsultAsync(ExpertQuestion.Decision("diag?", PromotionDecision.Choices));
        listener.Dispose();

        List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Of(string name, string expert)
        {
            lock (measurements)
            {
                return measurements.Where(m => m.Instrument == name && Equals(m.Tags.GetValueOrDefault("expert"), expert)).ToList();
            }
        }

        Assert.Single(Of("code.experts.expert.duration", "diag-ok"));
        Assert.Equal("answered", Of("code.experts.expert.duration", "diag-ok")[0].Tags["status"]);
        var failure = Assert.Single(Of("code.experts.expert.failures", "diag-bad"));
        Assert.Equal("failed", failure.Tags["status"]);
        Assert.Empty(Of("code.experts.expert.failures", "diag-ok"));
        var tokens = Of("code.experts.tokens", "diag-ok");
        Assert.Equal(100, tokens.Single(t => Equals(t.Tags["direction"], "input")).Value);
        Assert.Equal(7, tokens.Single(t => Equals(t.Tags["direction"], "output")).Value);
        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Instrument == "code.experts.consultations" && Equals(m.Tags["outcome"], "consensus") && Equals(m.Tags["aggregation"], "weighted"));
            Assert.Contains(measurements, m => m.Instrument == "code.experts.consultation.duration");
        }
    }

    [Fact]
    public async Task Each_consultation_is_an_activity_with_its_outcome()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ExpertsDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (activities)
                {
                    activities.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var host = new CircleHost(e => e.AddChatExpert("act-a", ScriptedChatClient.Answering("hold")).AddChatExpert("act-b", ScriptedChatClient.Answering("hold")));

        var result = await host.Circle.ConsultAsync(ExpertQuestion.Decision("activity?", PromotionDecision.Choices));

        Activity activity;
        lock (activities)
        {
            activity = activities.Single(a => Equals(a.GetTagItem("experts.consultation_id"), result.ConsultationId));
        }

        Assert.Equal("experts.consult", activity.OperationName);
        List<Activity> calls;
        lock (activities)
        {
            calls = activities.Where(a => a.ParentSpanId == activity.SpanId).ToList();
        }

        Assert.Equal(["act-a", "act-b"], calls.Select(c => c.GetTagItem("experts.expert")).Order());
        Assert.All(calls, c =>
        {
            Assert.Equal("experts.expert_call", c.OperationName);
            Assert.Equal("Answered", c.GetTagItem("experts.status"));
            Assert.Equal("verdict", c.GetTagItem("experts.task"));
        });
        Assert.Equal("consensus", activity.GetTagItem("experts.outcome"));
        Assert.Equal("hold", activity.GetTagItem("experts.answer"));
        Assert.Equal(2, activity.GetTagItem("experts.count"));
    }
}
