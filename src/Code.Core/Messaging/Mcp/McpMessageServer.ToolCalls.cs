using System.Text.Json;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Code.Core.Messaging.Mcp;

/// <content><c>tools/call</c>: reading the call, running the tool and turning its failures into results or errors.</content>
public sealed partial class McpMessageServer
{
    private ValueTask HandleCallTool(JsonRpcRequestContext context)
    {
        ReadOnlyMemory<byte> parameters = context.Params;
        McpToolEntry? entry = null;
        string? unknownName = null;
        int argumentsStart = 0, argumentsLength = 0;
        ProgressToken? progressToken = null;
        string? version = null;

        var reader = new Utf8JsonReader(parameters.Span);
        if (parameters.IsEmpty || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "tools/call needs params {name, arguments}: an object naming the tool.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonText.ValueTextEquals(ref reader, "name"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "tools/call: 'name' must be a string.");
                }

                entry = MatchTool(ref reader);
                if (entry is null && !JsonText.TryGetString(ref reader, out unknownName))
                {
                    throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "tools/call: 'name' " + JsonText.Undecodable + ".");
                }
            }
            else if (JsonText.ValueTextEquals(ref reader, "arguments"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    argumentsStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    argumentsLength = (int)reader.BytesConsumed - argumentsStart;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "tools/call: 'arguments' must be an object.");
                }
            }
            else if (JsonText.ValueTextEquals(ref reader, "_meta"u8))
            {
                reader.Read();
                ReadCallMeta(ref reader, ref progressToken, ref version);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (version is not null && !McpProtocol.IsSupported(version))
        {
            throw UnsupportedVersion(version);
        }

        if (entry is null)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, unknownName is null ? "tools/call needs the tool's 'name'." : $"Unknown tool: '{unknownName}'.");
        }

        byte[]? serverInfo = UsesPerRequestRevision(context, version) ? _serverInfoJson : null;
        var call = new McpToolCall(context, entry.Tool, parameters.Slice(argumentsStart, argumentsLength), progressToken);
        ValueTask<CallToolResult> pending;
        try
        {
            pending = entry.Handler(call);
        }
        catch (McpProtocolException ex)
        {
            throw ProtocolError(ex);
        }
        catch (Exception ex) when (IsToolFailure(ex))
        {
            CallToolResultWriter.Write(context.ResultWriter, FailureResult(context, entry.Tool.Name, ex), serverInfo);
            return ValueTask.CompletedTask;
        }

        if (pending.IsCompletedSuccessfully)
        {
            CallToolResultWriter.Write(context.ResultWriter, pending.Result, serverInfo);
            return ValueTask.CompletedTask;
        }

        return AwaitToolAsync(context, entry, pending, serverInfo);
    }

    private static async ValueTask AwaitToolAsync(JsonRpcRequestContext context, McpToolEntry entry, ValueTask<CallToolResult> pending, byte[]? serverInfo)
    {
        CallToolResult result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (McpProtocolException ex)
        {
            throw ProtocolError(ex);
        }
        catch (Exception ex) when (IsToolFailure(ex))
        {
            result = FailureResult(context, entry.Tool.Name, ex);
        }

        CallToolResultWriter.Write(context.ResultWriter, result, serverInfo);
    }

    /// <summary>
    /// Tells whether a tool's exception becomes a result with <c>isError: true</c>, as the SDK's server does: everything but
    /// cancellation and protocol errors (<see cref="JsonRpcException"/>, <see cref="McpProtocolException"/>), which are
    /// answered as JSON-RPC errors (a protocol exception keeps its code).
    /// </summary>
    private static bool IsToolFailure(Exception ex) => ex is not (OperationCanceledException or JsonRpcException or McpProtocolException);

    private static JsonRpcException ProtocolError(McpProtocolException ex) => new((int)ex.ErrorCode, ex.Message);

    /// <summary>
    /// The result of a failed tool. An <see cref="McpException"/> (including the argument errors of
    /// <see cref="McpToolCall.GetArguments{T}"/>) is meant for the client and says what went wrong; any other exception is
    /// logged and reported without its message unless <see cref="MessagingOptions.IncludeExceptionDetails"/> is set.
    /// </summary>
    private static CallToolResult FailureResult(JsonRpcRequestContext context, string tool, Exception ex)
    {
        string text;
        if (ex is McpException)
        {
            text = $"An error occurred invoking '{tool}': {ex.Message}";
        }
        else
        {
            LogToolFailed(context.Connection.Logger, ex, tool);
            text = context.Connection.Options.IncludeExceptionDetails
                ? $"An error occurred invoking '{tool}': {ex.Message}"
                : $"An error occurred invoking '{tool}'.";
        }

        return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = text }] };
    }

    private static void ReadCallMeta(ref Utf8JsonReader reader, ref ProgressToken? progressToken, ref string? version)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonText.ValueTextEquals(ref reader, "progressToken"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    progressToken = JsonText.TryGetString(ref reader, out string? token)
                        ? new ProgressToken(token)
                        : throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "'_meta.progressToken' " + JsonText.Undecodable + ".");
                }
                else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long number))
                {
                    progressToken = new ProgressToken(number);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (JsonText.ValueTextEquals(ref reader, McpProtocol.ProtocolVersionMetaKeyUtf8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    version = JsonText.TryGetString(ref reader, out string? text)
                        ? text
                        : throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, $"'_meta/{McpProtocol.ProtocolVersionMetaKey}' " + JsonText.Undecodable + ".");
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private McpToolEntry? MatchTool(ref Utf8JsonReader reader)
    {
        foreach (McpToolEntry entry in Volatile.Read(ref _tools))
        {
            if (JsonText.ValueTextEquals(ref reader, entry.Utf8Name))
            {
                return entry;
            }
        }

        return null;
    }

    [LoggerMessage(20, LogLevel.Error, "The tool '{Tool}' failed; the client got an error result.")]
    private static partial void LogToolFailed(ILogger logger, Exception exception, string tool);
}
