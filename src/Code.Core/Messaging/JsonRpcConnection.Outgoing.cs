using System.Buffers;
using System.Text.Json;
using Code.Core.Messaging.JsonRpc;

namespace Code.Core.Messaging;

/// <content>Requests this side sends to the peer, correlated with their responses.</content>
public sealed partial class JsonRpcConnection
{
    private PendingRequest BeginRequest(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_closed || _output.IsClosed)
        {
            throw new IOException("The JSON-RPC connection is closed.");
        }

        PendingRequest pending;
        lock (_pendingGate)
        {
            pending = _pendingPool.TryPop(out PendingRequest? pooled) ? pooled : new PendingRequest(_returnPending);
            pending.Id = ++_nextId;
            _pending.Add(pending.Id, pending);
        }

        if (cancellationToken.CanBeCanceled)
        {
            pending.Register(_onOutgoingCancelled, cancellationToken);
        }

        return pending;
    }

    /// <summary>Writes a request; a params serializer that throws fails the request with its exception (nothing was sent).</summary>
    private ValueTask<JsonRpcResponse> SendRequest<T>(PendingRequest pending, T message)
        where T : struct, IOutboundMessage
    {
        ValueTask write;
        try
        {
            write = _output.WriteAsync(message, flush: !IsOnReadLoop);
        }
        catch (Exception ex)
        {
            FailPending(pending.Id, ex);
            return pending.Task;
        }

        return EndRequest(pending, write);
    }

    private ValueTask<JsonRpcResponse> EndRequest(PendingRequest pending, ValueTask write)
    {
        if (write.IsCompletedSuccessfully)
        {
            if (_output.IsClosed)
            {
                FailPending(pending.Id, new IOException("The JSON-RPC connection is closed."));
            }

            return pending.Task;
        }

        return AwaitWriteThenResponseAsync(pending, write);
    }

    private async ValueTask<JsonRpcResponse> AwaitWriteThenResponseAsync(PendingRequest pending, ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            FailPending(pending.Id, ex);
        }

        if (_output.IsClosed)
        {
            FailPending(pending.Id, new IOException("The JSON-RPC connection is closed."));
        }

        return await pending.Task.ConfigureAwait(false);
    }

    private void OnOutgoingCancelled(object? state)
    {
        var pending = (PendingRequest)state!;
        long id = pending.Id;
        CancellationToken token = pending.CancellationToken;
        if (FailPending(id, new OperationCanceledException(token)))
        {
            _ = _output.WriteAsync(new CancelMessage(_options.CancellationMethod, id, _options.AnswersCancelledRequests), flush: true).AsTask();
        }
    }

    private bool FailPending(long id, Exception exception)
    {
        PendingRequest? pending;
        lock (_pendingGate)
        {
            if (!_pending.Remove(id, out pending))
            {
                return false;
            }
        }

        return pending.TrySetException(exception);
    }

    private void FailPendingRequests()
    {
        PendingRequest[] all;
        lock (_pendingGate)
        {
            all = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (PendingRequest pending in all)
        {
            pending.TrySetException(new IOException("The JSON-RPC connection closed before the response arrived."));
        }
    }

    private void CompleteOutgoing(ref ParsedMessage message, in ReadOnlySequence<byte> frame)
    {
        if (!message.Id.IsInteger)
        {
            LogUnmatchedResponse(message.Id.ToString());
            return;
        }

        PendingRequest? pending;
        lock (_pendingGate)
        {
            _pending.Remove(message.Id.Number, out pending);
        }

        if (pending is null)
        {
            LogUnmatchedResponse(message.Id.ToString());
            return;
        }

        if (message.HasResult)
        {
            int length = (int)message.ResultLength;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            frame.Slice(message.ResultStart, length).CopyTo(buffer);
            ResponseBuffer holder = RentResponseBuffer();
            pending.TrySetResult(new JsonRpcResponse(message.Id, holder, holder.Hold(buffer, length)));
            return;
        }

        pending.TrySetException(ReadError(frame.Slice(message.ErrorStart, message.ErrorLength)));
    }

    private static JsonRpcException ReadError(ReadOnlySequence<byte> error)
    {
        int code = JsonRpcErrorCodes.InternalError;
        string text = "The peer returned an error without a message.";
        string? data = null;
        var reader = new Utf8JsonReader(error);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return new JsonRpcException(code, "The peer returned a malformed error.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonText.ValueTextEquals(ref reader, "code"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int c))
                {
                    code = c;
                }
            }
            else if (JsonText.ValueTextEquals(ref reader, "message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    text = JsonText.TryGetString(ref reader, out string? decoded) ? decoded : "The peer returned an error whose message " + JsonText.Undecodable + ".";
                }
            }
            else if (JsonText.ValueTextEquals(ref reader, "data"u8))
            {
                reader.Read();
                long start = reader.TokenStartIndex;
                reader.Skip();
                data = System.Text.Encoding.UTF8.GetString(error.Slice(start, reader.BytesConsumed - start).ToArray());
                continue;
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        return new JsonRpcException(code, text, data);
    }

    private ResponseBuffer RentResponseBuffer()
    {
        lock (_pendingGate)
        {
            if (_responseBufferPool.TryPop(out ResponseBuffer? pooled))
            {
                return pooled;
            }
        }

        return new ResponseBuffer(_returnResponseBuffer);
    }

    private void ReturnResponseBuffer(ResponseBuffer buffer)
    {
        lock (_pendingGate)
        {
            if (_responseBufferPool.Count < MaxPooledContexts)
            {
                _responseBufferPool.Push(buffer);
            }
        }
    }

    private void ReturnPending(PendingRequest pending)
    {
        lock (_pendingGate)
        {
            if (_pendingPool.Count < MaxPooledContexts)
            {
                _pendingPool.Push(pending);
            }
        }
    }
}
