using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Code.Experts.Serialization;
using Code.Experts.Verdicts;
using Microsoft.Extensions.AI;

namespace Code.Experts.Tests.TestDoubles;

/// <summary>
/// Test double of a cloud chat model (which cannot run here): every call goes to a per-call callback that
/// decides the reply, its usage, its delay or its exception.
/// </summary>
internal sealed class ScriptedChatClient(Func<ScriptedCall, Task<ChatResponse>> script) : IChatClient
{
    private int _calls;

    public ConcurrentQueue<ScriptedCall> Received { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public static ScriptedChatClient Answering(string answer, double confidence = 0.8, string? rationale = "scripted")
        => new(_ => Task.FromResult(Reply(Verdict(answer, confidence, rationale))));

    public static string Verdict(string answer, double confidence, string? rationale = "scripted")
        => string.Create(CultureInfo.InvariantCulture, $"{{\"answer\": {JsonSerializer.Serialize(answer)}, \"confidence\": {confidence}, \"rationale\": {JsonSerializer.Serialize(rationale)}}}");

    public static ChatResponse Reply(string text, long inputTokens = 0, long outputTokens = 0, string? modelId = null)
        => new(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = modelId,
            Usage = inputTokens + outputTokens == 0 ? null : new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens },
        };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = new ScriptedCall(Interlocked.Increment(ref _calls), messages.ToList(), options, cancellationToken);
        Received.Enqueue(call);
        return script(call);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>One call received by a <see cref="ScriptedChatClient"/>.</summary>
internal sealed record ScriptedCall(int Number, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, CancellationToken CancellationToken)
{
    public string UserText => Messages.Last(m => m.Role == ChatRole.User).Text;

    /// <summary>Gets the circle's task, read back from the first user message.</summary>
    public ExpertRequest Request
    {
        get
        {
            var text = Messages.First(m => m.Role == ChatRole.User).Text;
            using var document = LenientJson.FindObject(text, _ => true)!;
            return document.RootElement.Deserialize<ExpertRequest>(ExpertsJson.Options)!;
        }
    }
}
