using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Code.Core.Messaging.Diagnostics;
using Code.Core.Messaging.Framing;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;

namespace Code.Core.Messaging;

/// <content>The read loop: frames from the pipe, parsing, batches and dispatch to the router.</content>
public sealed partial class JsonRpcConnection
{
    private async Task ReadLoopAsync()
    {
        while (!_draining)
        {
            ReadResult result = await _input.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled && _draining)
            {
                return;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            Volatile.Write(ref _readLoopThread, Environment.CurrentManagedThreadId);
            bool stoppedEarly;
            try
            {
                stoppedEarly = ProcessBuffer(ref buffer, result.IsCompleted);
            }
            finally
            {
                Volatile.Write(ref _readLoopThread, 0);
            }

            if (stoppedEarly)
            {
                _input.AdvanceTo(buffer.Start);
            }
            else
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            await FlushReadLoopWritesAsync().ConfigureAwait(false);

            while (_blocked is { } blocked)
            {
                await WaitForLaneSpaceAsync(blocked).ConfigureAwait(false);
            }

            if (result.IsCompleted && !stoppedEarly)
            {
                return;
            }
        }
    }

    /// <summary>Processes every complete frame in the buffer; returns true when it stopped early because a lane is full.</summary>
    private bool ProcessBuffer(ref ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        while (_frames.TryRead(ref buffer, out ReadOnlySequence<byte> frame, out FrameStatus status))
        {
            switch (status)
            {
                case FrameStatus.Message:
                    ProcessFrameGuarded(frame);
                    break;
                case FrameStatus.Oversize:
                    RefuseOversize(frame);
                    break;
                default:
                    WriteFromReadLoop(new ErrorMessage(JsonRpcId.Null, JsonRpcErrorCodes.ParseError, "Parse error: " + _frames.LastProblem, null), JsonRpcErrorCodes.ParseError);
                    break;
            }

            if (_blocked is not null)
            {
                return true;
            }
        }

        // A last newline-delimited message may end at the end of the stream without its newline.
        if (isCompleted && _options.Framing == MessageFraming.NewlineDelimited && !buffer.IsEmpty)
        {
            ReadOnlySequence<byte> rest = buffer;
            buffer = buffer.Slice(buffer.End);
            if (rest.Length > _options.MaxMessageSize)
            {
                RefuseOversize(rest.Slice(0, _options.MaxMessageSize));
            }
            else if (!IsBlank(rest))
            {
                ProcessFrameGuarded(rest);
            }
        }

        return false;
    }

    private void RefuseOversize(ReadOnlySequence<byte> prefix)
    {
        JsonRpcId id = OversizeIdProbe.FindId(prefix);
        long length = _frames.LastOversizeLength;
        string message = length >= 0
            ? $"Message too large: {length} bytes exceeds the limit of {_options.MaxMessageSize} bytes (memory.max_message_size); it was skipped."
            : $"Message too large: it exceeds the limit of {_options.MaxMessageSize} bytes (memory.max_message_size); it was skipped.";
        LogOversize(_options.MaxMessageSize);
        WriteFromReadLoop(new ErrorMessage(id, JsonRpcErrorCodes.MessageTooLarge, message, null), JsonRpcErrorCodes.MessageTooLarge);
    }

    /// <summary>
    /// Processes one frame; whatever a peer's bytes make go wrong, the peer gets an error and the connection reads on.
    /// Undecodable text, malformed JSON and invalid messages are answered precisely by <see cref="ProcessFrame"/>; this
    /// catches what nothing else foresaw, so that no message can end the read loop.
    /// </summary>
    private void ProcessFrameGuarded(in ReadOnlySequence<byte> frame)
    {
        try
        {
            ProcessFrame(frame);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFrameFailed(ex);
            WriteFromReadLoop(new ErrorMessage(JsonRpcId.Null, JsonRpcErrorCodes.InternalError, "Internal error: the message could not be processed.", null), JsonRpcErrorCodes.InternalError);
        }
    }

    private void ProcessFrame(in ReadOnlySequence<byte> frame)
    {
        Utf8JsonReader reader = JsonRpcMessageParser.CreateReader(frame, _frameScratch);
        try
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                ProcessBatch(frame, reader);
                return;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                while (reader.Read())
                {
                    // Validate the rest, so trailing garbage is reported as a parse error.
                }

                WriteFromReadLoop(new ErrorMessage(JsonRpcId.Null, JsonRpcErrorCodes.InvalidRequest, MessageProblemText.Describe(MessageProblem.NotAnObject), null), JsonRpcErrorCodes.InvalidRequest);
                return;
            }

            JsonRpcMessageParser.ParseObject(ref reader, _router, _cancellationMethod, out ParsedMessage message);
            while (reader.Read())
            {
                // Reading past the object throws if anything but whitespace follows it.
            }

            Dispatch(ref message, frame, batch: null);
        }
        catch (JsonException ex)
        {
            WriteFromReadLoop(new ErrorMessage(JsonRpcId.Null, JsonRpcErrorCodes.ParseError, "Parse error: " + ex.Message, null), JsonRpcErrorCodes.ParseError);
        }
    }

    private void ProcessBatch(in ReadOnlySequence<byte> frame, Utf8JsonReader reader)
    {
        // First pass: the whole batch must be valid JSON before any member runs.
        Utf8JsonReader validator = reader;
        validator.Skip();
        while (validator.Read())
        {
            // Throws on trailing content.
        }

        var batch = new BatchResponse();
        int members = 0;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (++members > _options.MaxBatchSize)
                {
                    AppendError(batch, JsonRpcId.Null, JsonRpcErrorCodes.InvalidRequest, $"Invalid Request: a batch may hold at most {_options.MaxBatchSize} messages; the rest were ignored.");
                    break;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    AppendError(batch, JsonRpcId.Null, JsonRpcErrorCodes.InvalidRequest, MessageProblemText.Describe(MessageProblem.NotAnObject));
                    continue;
                }

                JsonRpcMessageParser.ParseObject(ref reader, _router, _cancellationMethod, out ParsedMessage message);
                Dispatch(ref message, frame, batch);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Members already dispatched still answer: the batch is closed with an error for the rest.
            LogFrameFailed(ex);
            AppendError(batch, JsonRpcId.Null, JsonRpcErrorCodes.InternalError, "Internal error: the rest of the batch could not be processed.");
        }

        if (members == 0)
        {
            WriteFromReadLoop(new ErrorMessage(JsonRpcId.Null, JsonRpcErrorCodes.InvalidRequest, "Invalid Request: an empty batch.", null), JsonRpcErrorCodes.InvalidRequest);
            return;
        }

        CompleteBatchMember(batch, onReadLoop: true);
    }

    private void Dispatch(ref ParsedMessage message, in ReadOnlySequence<byte> frame, BatchResponse? batch)
    {
        if (message.Problem != MessageProblem.None)
        {
            // A malformed response is dropped (answering it could ping-pong errors between peers); anything else is answered.
            if (!message.IsResponse || message.Problem == MessageProblem.ResultAndError)
            {
                Reply(batch, message.HasId ? message.Id : JsonRpcId.Null, JsonRpcErrorCodes.InvalidRequest, MessageProblemText.Describe(message.Problem));
            }

            return;
        }

        if (message.IsResponse)
        {
            _metrics.MessageReceived("response");
            CompleteOutgoing(ref message, frame);
            return;
        }

        if (!message.HasId)
        {
            _metrics.MessageReceived("notification");
            if (message.IsCancellation)
            {
                CancelIncoming(frame.Slice(message.ParamsStart, message.ParamsLength), message.ParamsKind);
            }
            else if (message.Route is { } notificationRoute && !_draining)
            {
                Admit(notificationRoute, default, frame, ref message, batch: null);
            }

            return;
        }

        _metrics.MessageReceived("request");
        if (message.Route is not { } route)
        {
            string name = message.IsCancellation ? _options.CancellationMethod : message.UnknownMethod ?? string.Empty;
            Reply(batch, message.Id, JsonRpcErrorCodes.MethodNotFound, $"Method not found: '{name}'.");
            return;
        }

        if (_draining)
        {
            Reply(batch, message.Id, JsonRpcErrorCodes.ShuttingDown, "The connection is shutting down and accepts no new requests.");
            return;
        }

        Admit(route, message.Id, frame, ref message, batch);
    }

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            foreach (byte b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
