using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Code.Core.Messaging.Mcp;

/// <summary>
/// One <c>tools/call</c> being served: the tool, its raw <c>arguments</c> (a slice of the request, not a copy),
/// cancellation and progress. Valid until the handler's task completes.
/// </summary>
public readonly struct McpToolCall
{
    private readonly JsonRpcRequestContext _request;
    private readonly ProgressToken? _progressToken;

    internal McpToolCall(JsonRpcRequestContext request, Tool tool, ReadOnlyMemory<byte> arguments, ProgressToken? progressToken)
    {
        _request = request;
        Tool = tool;
        Arguments = arguments;
        _progressToken = progressToken;
    }

    /// <summary>Gets the tool being called.</summary>
    public Tool Tool { get; }

    /// <summary>Gets the raw JSON object of the call's <c>arguments</c>, or an empty buffer when there were none.</summary>
    public ReadOnlyMemory<byte> Arguments { get; }

    /// <summary>Gets the token cancelled when the client sends <c>notifications/cancelled</c> for this call or the connection closes.</summary>
    public CancellationToken CancellationToken => _request.CancellationToken;

    /// <summary>Gets the connection the call arrived on.</summary>
    public JsonRpcConnection Connection => _request.Connection;

    /// <summary>Gets the JSON-RPC id of the call.</summary>
    public JsonRpcId RequestId => _request.Id;

    /// <summary>Gets a value indicating whether the client asked for progress notifications (sent a progress token).</summary>
    public bool WantsProgress => _progressToken is not null;

    /// <summary>
    /// Deserializes the arguments; a call without arguments is read as <c>{}</c>, so the contract's required members
    /// (<c>required</c>, <c>[JsonRequired]</c>, or constructor parameters with <c>RespectRequiredConstructorParameters</c>) are
    /// reported missing.
    /// </summary>
    /// <typeparam name="T">The arguments type.</typeparam>
    /// <param name="typeInfo">Its JSON contract.</param>
    /// <returns>The arguments.</returns>
    /// <exception cref="McpException">
    /// The arguments do not match the type: a member of the wrong type, a required member missing, or text that is not
    /// valid UTF-8. Let it escape the tool: the client gets a result with <c>isError: true</c> saying what was wrong
    /// (SEP-1303), so the model can correct its call.
    /// </exception>
    public T? GetArguments<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        try
        {
            return JsonSerializer.Deserialize(Arguments.IsEmpty ? "{}"u8 : Arguments.Span, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new McpException($"Invalid arguments for tool '{Tool.Name}': {ex.Message}", ex);
        }
    }

    /// <summary>Parses the arguments into a <see cref="JsonElement"/> (an empty object when there were none).</summary>
    /// <returns>The arguments.</returns>
    public JsonElement GetArgumentsElement()
    {
        if (Arguments.IsEmpty)
        {
            return JsonDocument.Parse("{}").RootElement;
        }

        using JsonDocument document = JsonDocument.Parse(Arguments);
        return document.RootElement.Clone();
    }

    /// <summary>Sends <c>notifications/progress</c> for this call; does nothing when the client sent no progress token.</summary>
    /// <param name="progress">The progress so far.</param>
    /// <param name="total">The total, when known.</param>
    /// <param name="message">A short description of the current step.</param>
    /// <returns>A task that completes when the notification is written.</returns>
    public ValueTask ReportProgressAsync(float progress, float? total = null, string? message = null)
    {
        if (_progressToken is not { } token)
        {
            return ValueTask.CompletedTask;
        }

        var notification = new ProgressNotificationParams
        {
            ProgressToken = token,
            Progress = new ProgressNotificationValue { Progress = progress, Total = total, Message = message },
        };
        return _request.Connection.SendNotificationAsync(NotificationMethods.ProgressNotification, notification, McpJson.ProgressNotificationParams);
    }
}
