using System.Diagnostics;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;

namespace Code.Core.Messaging;

/// <content>Responses: a finished handler's result or error, cancelled requests, and writes that cannot fail half-way.</content>
public sealed partial class JsonRpcConnection
{
    private void Complete(JsonRpcRequestContext context, RequestLane lane, Exception? error, bool onReadLoop)
    {
        _metrics.Active(lane.Name, -1);
        if (context.StartTimestamp != 0 && _metrics.RequestDuration.Enabled)
        {
            _metrics.RequestDuration.Record(
                _timeProvider.GetElapsedTime(context.StartTimestamp).TotalSeconds,
                new KeyValuePair<string, object?>("method", context.Method),
                new KeyValuePair<string, object?>("lane", lane.Name));
        }

        if (context.Activity is { } activity)
        {
            if (error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.Message);
            }

            activity.Dispose();
        }

        if (context.IsNotification)
        {
            if (error is not null and not OperationCanceledException)
            {
                LogNotificationFailed(error, context.Method);
            }

            Finish(context, lane, startNext: true, onReadLoop);
            return;
        }

        if (error is null)
        {
            if (context.HasResult)
            {
                context.FlushResult();
                if (context.ResultDepth != 0 || context.ResultJson.IsEmpty)
                {
                    error = new JsonRpcException(JsonRpcErrorCodes.InternalError, $"Internal error: the handler of '{context.Method}' wrote an incomplete result.");
                }
            }

            if (error is null)
            {
                if (context.Batch is { } batch)
                {
                    AppendResult(batch, context);
                    Finish(context, lane, startNext: true, onReadLoop);
                }
                else
                {
                    FinishAfter(WriteResult(context, flush: !onReadLoop), context, lane, onReadLoop);
                }

                return;
            }
        }

        if (error is OperationCanceledException && context.CancelledByPeer)
        {
            RespondCancelled(context, lane, onReadLoop);
            return;
        }

        int code;
        string message;
        string? data = null;
        switch (error)
        {
            case JsonRpcException rpc:
                code = rpc.Code;
                message = rpc.Message;
                data = rpc.ErrorData;
                break;
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                code = JsonRpcErrorCodes.ShuttingDown;
                message = $"Request '{context.Method}' was cancelled because the connection is closing.";
                break;
            default:
                // The exception's text may hold paths, names or secrets: it is logged, and sent only when asked for.
                LogHandlerFailed(error, context.Method);
                code = JsonRpcErrorCodes.InternalError;
                message = _options.IncludeExceptionDetails ? $"Internal error in '{context.Method}': {error.Message}" : $"Internal error in '{context.Method}'.";
                break;
        }

        RespondError(context, lane, code, message, data, onReadLoop);
    }

    /// <summary>Answers a request with an error (appended to its batch, if any) and finishes it.</summary>
    private void RespondError(JsonRpcRequestContext context, RequestLane lane, int code, string message, string? data, bool onReadLoop)
    {
        if (context.Batch is { } errorBatch)
        {
            AppendError(errorBatch, context.Id, code, message, data);
            Finish(context, lane, startNext: true, onReadLoop);
            return;
        }

        _metrics.ErrorSent(code);
        ValueTask errorWrite = _output.WriteAsync(new ErrorMessage(context.Id, code, message, data), flush: !onReadLoop);
        FinishAfter(errorWrite, context, lane, onReadLoop);
    }

    /// <summary>
    /// Finishes a request the peer cancelled: with <c>$/cancelRequest</c> (LSP) it is answered with -32800 request
    /// cancelled, with <c>notifications/cancelled</c> (MCP) it gets no response.
    /// </summary>
    private void RespondCancelled(JsonRpcRequestContext context, RequestLane lane, bool onReadLoop)
    {
        if (_options.AnswersCancelledRequests && !context.IsNotification)
        {
            RespondError(context, lane, JsonRpcErrorCodes.RequestCancelled, $"Request '{context.Method}' was cancelled.", null, onReadLoop);
            return;
        }

        Finish(context, lane, startNext: true, onReadLoop);
    }

    /// <summary>
    /// Writes a success response. The output serializes into a buffer before anything reaches the transport, so a result
    /// that cannot be written leaves nothing on the wire: the request is then answered with an internal error.
    /// </summary>
    private ValueTask WriteResult(JsonRpcRequestContext context, bool flush)
    {
        ValueTask write;
        try
        {
            write = _output.WriteAsync(new ResultMessage(context), flush);
        }
        catch (Exception ex)
        {
            return WriteUnwritableResult(context, ex, flush);
        }

        return write.IsCompletedSuccessfully ? default : AwaitResultAsync(write, context);
    }

    private async ValueTask AwaitResultAsync(ValueTask write, JsonRpcRequestContext context)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await WriteUnwritableResult(context, ex, flush: true).ConfigureAwait(false);
        }
    }

    private ValueTask WriteUnwritableResult(JsonRpcRequestContext context, Exception ex, bool flush)
    {
        LogResultUnwritable(ex, context.Method);
        _metrics.ErrorSent(JsonRpcErrorCodes.InternalError);
        return _output.WriteAsync(new ErrorMessage(context.Id, JsonRpcErrorCodes.InternalError, $"Internal error: the result of '{context.Method}' could not be written.", null), flush);
    }

    private void AppendResult(BatchResponse batch, JsonRpcRequestContext context)
    {
        try
        {
            batch.Append(context, static (w, c) => new ResultMessage(c).Write(w));
        }
        catch (Exception ex)
        {
            LogResultUnwritable(ex, context.Method);
            AppendError(batch, context.Id, JsonRpcErrorCodes.InternalError, $"Internal error: the result of '{context.Method}' could not be written.");
        }
    }

    private void FinishAfter(ValueTask write, JsonRpcRequestContext context, RequestLane lane, bool onReadLoop)
    {
        if (write.IsCompletedSuccessfully)
        {
            Finish(context, lane, startNext: true, onReadLoop);
            return;
        }

        Task pending = FinishAfterAsync(write, context, lane);
        if (onReadLoop)
        {
            _readLoopWrites.Add(pending);
        }
    }

    private async Task FinishAfterAsync(ValueTask write, JsonRpcRequestContext context, RequestLane lane)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            Finish(context, lane, startNext: true, onReadLoop: false);
        }
    }
}
