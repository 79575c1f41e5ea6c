using System.Diagnostics;
using System.Globalization;
using Code.Experts.Diagnostics;
using Code.Experts.Experts;
using Microsoft.Extensions.AI;

namespace Code.Experts.Consultation;

/// <summary>The outcome of one task put to one expert (an opinion, a ranking, a synthesis).</summary>
/// <typeparam name="T">What the reply was parsed into.</typeparam>
/// <param name="Value">The parsed reply, when usable.</param>
/// <param name="Status">Answered (the value is usable), unusable, timed out or failed.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="Repaired">Whether the repair re-ask produced the value.</param>
/// <param name="Tokens">Tokens used by every call of the task.</param>
/// <param name="ModelId">The model that answered.</param>
/// <param name="LatencyMilliseconds">Time from the first request to the last reply.</param>
internal sealed record ExpertCall<T>(T? Value, OpinionStatus Status, string? Error, bool Repaired, TokenUsage Tokens, string? ModelId, double LatencyMilliseconds)
    where T : class;

/// <summary>
/// Puts one task to one expert: the request (with the task's JSON schema, or plain JSON mode when the expert opts
/// out), parsing of the whole reply, one repair re-ask when the reply is unusable, the expert's timeout and the
/// consultation deadline (both on the injected <see cref="TimeProvider"/>). A throwing, slow or incoherent expert
/// gives a failed call; only the caller's cancellation propagates.
/// </summary>
internal sealed class ExpertCaller(TimeProvider time, int maxReplyCharacters)
{
    /// <summary>Parses a reply; returns the value or the reason it is unusable.</summary>
    /// <typeparam name="T">The parsed type.</typeparam>
    /// <param name="reply">The reply text.</param>
    /// <returns>The value, or the problem.</returns>
    public delegate (T? Value, string? Problem) ReplyParser<T>(string reply);

    public async Task<ExpertCall<T>> AskAsync<T>(
        Expert expert,
        string task,
        List<ChatMessage> messages,
        ChatResponseFormatJson schema,
        ReplyParser<T> parse,
        CancellationToken deadline,
        CancellationToken caller)
        where T : class
    {
        var ranking = task == Verdicts.ExpertTasks.PeerReview;
        using var activity = ExpertsDiagnostics.ActivitySource.StartActivity(ExpertsDiagnostics.ExpertCallActivityName);
        activity?.SetTag("experts.expert", expert.Name);
        activity?.SetTag("experts.task", task);
        var format = expert.UseJsonSchema ? schema : ChatResponseFormat.Json;
        var call = await AskCoreAsync(expert, messages, format, parse, ranking, deadline, caller).ConfigureAwait(false);
        if (activity is not null)
        {
            activity.SetTag("experts.status", call.Status.ToString());
            activity.SetTag("experts.repaired", call.Repaired);
            activity.SetTag("experts.tokens", call.Tokens.TotalTokens);
            if (call.Status != OpinionStatus.Answered)
            {
                activity.SetStatus(ActivityStatusCode.Error, call.Error);
            }
        }

        return call;
    }

    private async Task<ExpertCall<T>> AskCoreAsync<T>(
        Expert expert,
        List<ChatMessage> messages,
        ChatResponseFormat format,
        ReplyParser<T> parse,
        bool ranking,
        CancellationToken deadline,
        CancellationToken caller)
        where T : class
    {
        var start = time.GetTimestamp();
        var tokens = default(TokenUsage);
        var modelId = expert.ModelId;
        using var timeout = new CancellationTokenSource(expert.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline, timeout.Token);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                // Nothing is asked once the time is up, even of an expert that would answer at once.
                linked.Token.ThrowIfCancellationRequested();
                var options = new ChatOptions
                {
                    ResponseFormat = format,
                    ModelId = expert.ModelId,
                    Temperature = expert.Temperature,
                };
                var response = await expert.Client.GetResponseAsync(messages, options, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
                tokens += ToUsage(response.Usage);
                modelId = response.ModelId ?? modelId;
                var text = response.Text ?? string.Empty;
                var (value, problem) = parse(text); // the whole reply: the parser refuses one longer than the limit
                if (problem is null && value is not null)
                {
                    return new ExpertCall<T>(value, OpinionStatus.Answered, null, attempt > 0, tokens, modelId, Elapsed(start));
                }

                problem ??= "the reply could not be read";
                if (attempt > 0)
                {
                    return new ExpertCall<T>(null, OpinionStatus.Unusable, "unusable reply after one repair re-ask: " + problem, true, tokens, modelId, Elapsed(start));
                }

                var echo = text.Length > maxReplyCharacters ? text[..maxReplyCharacters] : text;
                messages = [.. messages, new ChatMessage(ChatRole.Assistant, echo), Verdicts.ExpertPrompts.Repair(problem, ranking)];
            }
        }
        catch (OperationCanceledException) when (caller.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Failed(OpinionStatus.TimedOut, string.Create(CultureInfo.InvariantCulture, $"no reply within the expert's timeout of {expert.Timeout.TotalSeconds:0.###} s"));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return Failed(OpinionStatus.TimedOut, "no reply before the consultation deadline");
        }
        catch (Exception exception)
        {
            return Failed(OpinionStatus.Failed, $"{exception.GetType().Name}: {exception.Message}");
        }

        ExpertCall<T> Failed(OpinionStatus status, string error) => new(null, status, error, false, tokens, modelId, Elapsed(start));
    }

    private static TokenUsage ToUsage(UsageDetails? usage)
        => usage is null ? default : new TokenUsage(Math.Max(0, usage.InputTokenCount ?? 0), Math.Max(0, usage.OutputTokenCount ?? 0));

    private double Elapsed(long start) => time.GetElapsedTime(start).TotalMilliseconds;
}
