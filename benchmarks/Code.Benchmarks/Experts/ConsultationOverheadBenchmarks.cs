using BenchmarkDotNet.Attributes;
using Code.Experts.Consultation;
using Code.Experts.Experts;
using Code.Experts.Verdicts;
using Microsoft.Extensions.AI;

namespace Code.Benchmarks.Experts;

/// <summary>
/// What the circle adds over its slowest expert: five scripted experts (four instant, one instant or 50 ms),
/// consulted in parallel with parsing, aggregation, metrics and the activity; the anchor is a direct call of
/// the slowest expert with the same messages. No state store (reliability at its prior, no cache), so the
/// figure is the circle's own work.
/// </summary>
[MemoryDiagnoser]
public class ConsultationOverheadBenchmarks
{
    private CircleOfExperts _circle = null!;
    private IChatClient _slowest = null!;
    private List<ChatMessage> _messages = null!;
    private ExpertQuestion _question = null!;

    /// <summary>Gets or sets the slowest expert's latency.</summary>
    [Params(0, 50)]
    public int SlowestExpertMilliseconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _question = ExpertQuestion.Decision(
            "Promote checkout-api 2.4.1?",
            PromotionDecision.Choices,
            Evidence.OfNumber(EvidenceNames.ErrorRateDelta, 0.001),
            Evidence.OfNumber(EvidenceNames.LatencyDeltaPercent, 3));
        var options = new ExpertsOptions { CacheTimeToLive = TimeSpan.Zero };
        var answers = new[] { "promote", "promote", "hold", "promote", "promote" };
        var experts = new List<Expert>();
        for (var i = 0; i < answers.Length; i++)
        {
            var delay = i == answers.Length - 1 ? TimeSpan.FromMilliseconds(SlowestExpertMilliseconds) : TimeSpan.Zero;
            var client = new ScriptedBenchmarkChatClient($"{{\"answer\": \"{answers[i]}\", \"confidence\": 0.8, \"rationale\": \"scripted\"}}", delay);
            experts.Add(new Expert($"expert{i}", client, new ChatExpertOptions(), options.PerExpertTimeout));
        }

        _slowest = experts[^1].Client;
        _messages = ExpertPrompts.Verdict(null, new ExpertRequest(ExpertTasks.Verdict, QuestionView.From(_question)));
        _circle = new CircleOfExperts(experts, options, TimeProvider.System, store: null, logger: null);
    }

    [Benchmark(Baseline = true, Description = "Direct call of the slowest expert")]
    public Task<ChatResponse> DirectCall() => _slowest.GetResponseAsync(_messages);

    [Benchmark(Description = "ConsultAsync, 5 experts")]
    public Task Consult() => _circle.ConsultAsync(_question); // Task, not Task<ConsultationResult>: BenchmarkDotNet's generated code, in namespace BenchmarkDotNet.Code, cannot name types under Code.*
}

/// <summary>Test double of a model for benchmarks: a fixed reply after an optional delay.</summary>
internal sealed class ScriptedBenchmarkChatClient(string reply, TimeSpan delay) : IChatClient
{
    private readonly ChatResponse _response = new(new ChatMessage(ChatRole.Assistant, reply))
    {
        Usage = new UsageDetails { InputTokenCount = 400, OutputTokenCount = 30 },
    };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        return _response;
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("The benchmark asks for whole responses only.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
