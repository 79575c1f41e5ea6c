using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Code.Core.Diagnostics;
using Code.Core.Messaging.Diagnostics;
using Code.Core.Messaging.Framing;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Code.Core.Messaging;

/// <summary>
/// A JSON-RPC 2.0 endpoint over a duplex pipe: it reads framed messages, dispatches requests and notifications to
/// the handlers of a <see cref="JsonRpcRouter"/> through priority lanes with bounded queues, writes their responses,
/// and sends its own requests to the peer with response correlation, so the same engine serves and calls.
/// </summary>
/// <remarks>
/// Malformed, invalid and oversize messages are answered with a JSON-RPC error and the connection lives on; a
/// handler's exception becomes an internal-error response. <see cref="ShutdownAsync"/> stops reading and drains the
/// requests already accepted. Continuations of <see cref="SendRequestAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>
/// may run on the connection's read loop: do not block in them.
/// </remarks>
public sealed partial class JsonRpcConnection : IAsyncDisposable
{
    private const int MaxPooledContexts = 1024;
    private const int MaxUnfinishedReadLoopWrites = 256;

    private readonly PipeReader _input;
    private readonly JsonRpcRouter _router;
    private readonly MessagingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly OutboundWriter _output;
    private readonly FrameReader _frames;
    private readonly byte[] _cancellationMethod;

    /// <summary>Where the read loop copies a small frame that straddles two segments, to parse it as one span.</summary>
    private readonly byte[] _frameScratch = new byte[MessagingDefaults.FrameScratchSize];
    private readonly RequestLane[] _lanes;
    private readonly Lock _inFlightGate = new();
    private readonly Dictionary<JsonRpcId, JsonRpcRequestContext> _inFlight = [];
    private readonly Lock _poolGate = new();
    private readonly Stack<JsonRpcRequestContext> _contextPool = new();
    private readonly Lock _pendingGate = new();
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private readonly Stack<PendingRequest> _pendingPool = new();
    private readonly Action<PendingRequest> _returnPending;
    private readonly Action<object?> _onOutgoingCancelled;
    private readonly List<Task> _readLoopWrites = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _shutdown = new();
    private Task? _run;
    private long _nextId;
    private int _outstanding;
    private volatile bool _draining;
    private volatile bool _closed;
    private JsonRpcRequestContext? _blocked;
    private int _readLoopThread;
    private RequestLane? _blockedLane;

    /// <summary>Initializes a new connection; call <see cref="Start"/> to begin reading.</summary>
    /// <param name="transport">The duplex pipe to the peer (see <see cref="Transports.MessageTransports"/>).</param>
    /// <param name="router">The methods this side serves; may be empty for a pure client.</param>
    /// <param name="options">Framing, limits and lanes; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock for shutdown timeouts and latency; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    public JsonRpcConnection(IDuplexPipe transport, JsonRpcRouter router, MessagingOptions? options = null, TimeProvider? timeProvider = null, ILogger<JsonRpcConnection>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(router);
        _options = options ?? new MessagingOptions();
        _options.Validate();
        _input = transport.Input;
        _router = router;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _output = new OutboundWriter(transport.Output, _options.Framing);
        _frames = new FrameReader(_options.Framing, _options.MaxMessageSize);
        _cancellationMethod = System.Text.Encoding.UTF8.GetBytes(_options.CancellationMethod);
        _lanes =
        [
            new RequestLane(MessageLane.Control, _options.Control),
            new RequestLane(MessageLane.Normal, _options.Normal),
            new RequestLane(MessageLane.Background, _options.Background),
        ];
        _returnPending = ReturnPending;
        _onOutgoingCancelled = OnOutgoingCancelled;
    }

    /// <summary>Gets or sets state that a protocol layer keeps per connection (for example an MCP session).</summary>
    public object? State { get; set; }

    /// <summary>Gets the connection's options.</summary>
    public MessagingOptions Options => _options;

    /// <summary>Gets a task that completes when the connection has stopped reading and drained its requests.</summary>
    public Task Completion => _run ?? Task.CompletedTask;

    /// <summary>Gets the number of accepted requests and notifications not yet finished (running or queued).</summary>
    public int PendingWork => Volatile.Read(ref _outstanding);

    /// <summary>Gets the number of requests waiting in a lane's queue.</summary>
    /// <param name="lane">The lane.</param>
    /// <returns>The queue length.</returns>
    public int GetQueueLength(MessageLane lane) => _lanes[(int)lane].QueuedCount;

    /// <summary>Starts reading and dispatching messages.</summary>
    /// <exception cref="InvalidOperationException">The connection was already started.</exception>
    public void Start()
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("The connection is already started.");
        }

        _run = Task.Run(RunAsync);
    }

    /// <summary>
    /// Stops reading new messages, waits for the requests already accepted to finish (cancelling them after
    /// <see cref="MessagingOptions.ShutdownTimeout"/> or when <paramref name="cancellationToken"/> fires), then
    /// completes the output.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait: in-flight handlers are cancelled at once.</param>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        _draining = true;
        _input.CancelPendingRead();
        using (cancellationToken.UnsafeRegister(static s => ((JsonRpcConnection)s!).CancelAllInFlight(), this))
        {
            await Completion.ConfigureAwait(false);
        }
    }

    /// <summary>Aborts the connection: cancels in-flight handlers and waits for the read loop to end.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        _draining = true;
        await _shutdown.CancelAsync().ConfigureAwait(false);
        CancelAllInFlight();
        _input.CancelPendingRead();
        await Completion.ConfigureAwait(false);
        _output.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>Sends a request whose params are JSON text and waits for the peer's response.</summary>
    /// <param name="method">The method.</param>
    /// <param name="parameters">The params as an object or array in UTF-8 JSON, or empty for none.</param>
    /// <param name="cancellationToken">Cancels the wait and sends the peer a cancellation notification.</param>
    /// <returns>The response; dispose it after reading.</returns>
    /// <exception cref="JsonRpcException">The peer answered with an error.</exception>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not one complete JSON value.</exception>
    public ValueTask<JsonRpcResponse> SendRequestAsync(string method, ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (!parameters.IsEmpty)
        {
            RawJson.Validate(parameters.Span, nameof(parameters));
        }

        PendingRequest pending = BeginRequest(cancellationToken);
        ValueTask write = _output.WriteAsync(new RawCallMessage(pending.Id, method, parameters), flush: !IsOnReadLoop);
        return EndRequest(pending, write);
    }

    /// <summary>Sends a request whose params are serialized straight into the transport, and waits for the response.</summary>
    /// <typeparam name="TParams">The params type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="parameters">The params.</param>
    /// <param name="typeInfo">The params' JSON contract.</param>
    /// <param name="cancellationToken">Cancels the wait and sends the peer a cancellation notification.</param>
    /// <returns>The response; dispose it after reading.</returns>
    /// <exception cref="JsonRpcException">The peer answered with an error.</exception>
    public ValueTask<JsonRpcResponse> SendRequestAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(typeInfo);
        PendingRequest pending = BeginRequest(cancellationToken);
        ValueTask write = _output.WriteAsync(new TypedCallMessage<TParams>(pending.Id, method, parameters, typeInfo), flush: !IsOnReadLoop);
        return EndRequest(pending, write);
    }

    /// <summary>Sends a notification whose params are JSON text.</summary>
    /// <param name="method">The method.</param>
    /// <param name="parameters">The params as UTF-8 JSON, or empty for none.</param>
    /// <returns>A task that completes when the notification is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not one complete JSON value.</exception>
    public ValueTask SendNotificationAsync(string method, ReadOnlyMemory<byte> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (!parameters.IsEmpty)
        {
            RawJson.Validate(parameters.Span, nameof(parameters));
        }

        return _output.WriteAsync(new RawCallMessage(null, method, parameters), flush: !IsOnReadLoop);
    }

    /// <summary>Sends a notification whose params are serialized straight into the transport.</summary>
    /// <typeparam name="TParams">The params type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="parameters">The params.</param>
    /// <param name="typeInfo">The params' JSON contract.</param>
    /// <returns>A task that completes when the notification is written.</returns>
    public ValueTask SendNotificationAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> typeInfo)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return _output.WriteAsync(new TypedCallMessage<TParams>(null, method, parameters, typeInfo), flush: !IsOnReadLoop);
    }

    /// <summary>
    /// Gets a value indicating whether the caller runs inside the read loop's processing of a buffer (a handler before
    /// its first await, or a response continuation). Writes made there skip their flush: the read loop flushes once
    /// when the buffer is done, so a burst of calls made from continuations reaches the peer as one write.
    /// </summary>
    private bool IsOnReadLoop => Volatile.Read(ref _readLoopThread) == Environment.CurrentManagedThreadId;

    private async Task RunAsync()
    {
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            LogTransportFailed(ex);
        }
        catch (Exception ex)
        {
            // Never leave the peer hanging: whatever stopped the loop, drain, fail pending calls and close the output.
            LogReadLoopFailed(ex);
        }

        await _input.CompleteAsync().ConfigureAwait(false);
        _draining = true;
        await FlushReadLoopWritesAsync().ConfigureAwait(false);
        await DrainAsync().ConfigureAwait(false);
        _closed = true;
        FailPendingRequests();
        await _output.CompleteAsync().ConfigureAwait(false);
    }

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
                    ProcessFrame(frame);
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
                ProcessFrame(rest);
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
            MessagingMetrics.MessageReceived("response");
            CompleteOutgoing(ref message, frame);
            return;
        }

        if (!message.HasId)
        {
            MessagingMetrics.MessageReceived("notification");
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

        MessagingMetrics.MessageReceived("request");
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

    private void Admit(MethodRoute route, JsonRpcId id, in ReadOnlySequence<byte> frame, ref ParsedMessage message, BatchResponse? batch)
    {
        JsonRpcRequestContext context = RentContext();
        ReadOnlySequence<byte> parameters = message.ParamsLength > 0 ? frame.Slice(message.ParamsStart, message.ParamsLength) : default;
        context.Initialize(route, id, parameters, batch, (int)Math.Min(frame.Length, int.MaxValue));

        if (id.Kind is JsonRpcIdKind.Number or JsonRpcIdKind.String)
        {
            lock (_inFlightGate)
            {
                if (!_inFlight.TryAdd(id, context))
                {
                    context.Reset();
                    ReturnContext(context);
                    Reply(batch, id, JsonRpcErrorCodes.InvalidRequest, $"Invalid Request: a request with id {id} is already in flight.");
                    return;
                }
            }

            context.IsRegistered = true;
        }

        batch?.AddPending();
        RequestLane lane = _lanes[(int)route.Lane];
        Interlocked.Increment(ref _outstanding);
        // A batch is parsed in one pass and cannot stop half-way to wait: its members queue even over capacity
        // (a batch is bounded by MaxBatchSize) unless the lane rejects.
        bool force = batch is not null && lane.Policy == BackPressurePolicy.Wait;
        switch (lane.TryAdmit(context, wantWaiter: false, out _, force))
        {
            case LaneAdmission.RunNow:
                RunHandler(context, lane, onReadLoop: true);
                break;
            case LaneAdmission.Queued:
                MessagingMetrics.Queued(lane.Name, 1);
                break;
            default:
                if (lane.Policy == BackPressurePolicy.Wait)
                {
                    _blocked = context;
                    _blockedLane = lane;
                }
                else
                {
                    RejectBusy(context, lane);
                }

                break;
        }
    }

    private void RejectBusy(JsonRpcRequestContext context, RequestLane lane)
    {
        LogLaneFull(lane.Name, context.Method);
        if (!context.IsNotification)
        {
            Reply(context.Batch, context.Id, JsonRpcErrorCodes.ServerBusy, $"Server busy: the '{lane.Name}' lane's queue is full ({lane.QueueCapacityBytes} bytes, core.message_buffer_size); retry later.");
        }

        Finish(context, lane, startNext: false, onReadLoop: true);
    }

    private async Task WaitForLaneSpaceAsync(JsonRpcRequestContext context)
    {
        RequestLane lane = _blockedLane!;
        while (true)
        {
            LaneAdmission admission = lane.TryAdmit(context, wantWaiter: true, out Task? waiter);
            if (admission == LaneAdmission.RunNow)
            {
                _blocked = null;
                RunHandler(context, lane, onReadLoop: true);
                await FlushReadLoopWritesAsync().ConfigureAwait(false);
                return;
            }

            if (admission == LaneAdmission.Queued)
            {
                _blocked = null;
                MessagingMetrics.Queued(lane.Name, 1);
                return;
            }

            if (_shutdown.IsCancellationRequested)
            {
                _blocked = null;
                RejectBusy(context, lane);
                await FlushReadLoopWritesAsync().ConfigureAwait(false);
                return;
            }

            await waiter!.WaitAsync(_shutdown.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void RunHandler(JsonRpcRequestContext context, RequestLane lane, bool onReadLoop)
    {
        if (context.CancelledByPeer)
        {
            // Cancelled while it waited in the queue: it never runs and, as MCP asks, gets no response.
            Finish(context, lane, startNext: true, onReadLoop);
            return;
        }

        MessagingMetrics.Active(lane.Name, 1);
        if (MessagingMetrics.RequestDuration.Enabled)
        {
            context.StartTimestamp = _timeProvider.GetTimestamp();
        }

        if (CodeCoreDiagnostics.ActivitySource.HasListeners())
        {
            context.Activity = StartActivity(context);
        }

        ValueTask handler;
        try
        {
            handler = context.Route!.Handler(context);
        }
        catch (Exception ex)
        {
            Complete(context, lane, ex, onReadLoop);
            return;
        }

        if (handler.IsCompletedSuccessfully)
        {
            Complete(context, lane, null, onReadLoop);
            return;
        }

        context.PendingHandler = handler;
        context.PendingLane = lane;
        handler.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(context.OnHandlerCompleted);
    }

    internal void HandlerCompleted(JsonRpcRequestContext context)
    {
        Exception? error = null;
        try
        {
            context.PendingHandler.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        context.PendingHandler = default;
        Complete(context, context.PendingLane!, error, onReadLoop: false);
    }

    internal void RunQueued(JsonRpcRequestContext context) => RunHandler(context, _lanes[(int)context.Route!.Lane], onReadLoop: false);

    private void Complete(JsonRpcRequestContext context, RequestLane lane, Exception? error, bool onReadLoop)
    {
        MessagingMetrics.Active(lane.Name, -1);
        if (context.StartTimestamp != 0 && MessagingMetrics.RequestDuration.Enabled)
        {
            MessagingMetrics.RequestDuration.Record(
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
                    batch.Append(context, static (w, c) => new ResultMessage(c).Write(w));
                    Finish(context, lane, startNext: true, onReadLoop);
                }
                else
                {
                    ValueTask write = _output.WriteAsync(new ResultMessage(context), flush: !onReadLoop);
                    FinishAfter(write, context, lane, onReadLoop);
                }

                return;
            }
        }

        if (error is OperationCanceledException && context.CancelledByPeer)
        {
            Finish(context, lane, startNext: true, onReadLoop);
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
                LogHandlerFailed(error, context.Method);
                code = JsonRpcErrorCodes.InternalError;
                message = $"Internal error in '{context.Method}': {error.Message}";
                break;
        }

        if (context.Batch is { } errorBatch)
        {
            AppendError(errorBatch, context.Id, code, message, data);
            Finish(context, lane, startNext: true, onReadLoop);
            return;
        }

        MessagingMetrics.ErrorSent(code);
        ValueTask errorWrite = _output.WriteAsync(new ErrorMessage(context.Id, code, message, data), flush: !onReadLoop);
        FinishAfter(errorWrite, context, lane, onReadLoop);
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
        await write.ConfigureAwait(false);
        Finish(context, lane, startNext: true, onReadLoop: false);
    }

    private void Finish(JsonRpcRequestContext context, RequestLane lane, bool startNext, bool onReadLoop)
    {
        if (context.IsRegistered)
        {
            lock (_inFlightGate)
            {
                _inFlight.Remove(context.Id);
            }
        }

        BatchResponse? batch = context.Batch;
        context.Reset();
        ReturnContext(context);

        if (batch is not null)
        {
            CompleteBatchMember(batch, onReadLoop);
        }

        if (startNext && lane.Release() is { } next)
        {
            MessagingMetrics.Queued(lane.Name, -1);
            ThreadPool.UnsafeQueueUserWorkItem(next.WorkItem, preferLocal: false);
        }

        if (Interlocked.Decrement(ref _outstanding) == 0 && _draining)
        {
            _drained.TrySetResult();
        }
    }

    private void CompleteBatchMember(BatchResponse batch, bool onReadLoop)
    {
        ReadOnlyMemory<byte> array = batch.Complete();
        if (array.IsEmpty)
        {
            return;
        }

        ValueTask write = _output.WriteAsync(new RawMessage(array), flush: !onReadLoop);
        if (!write.IsCompletedSuccessfully)
        {
            Task pending = write.AsTask();
            if (onReadLoop)
            {
                _readLoopWrites.Add(pending);
            }
        }
    }

    private void Reply(BatchResponse? batch, JsonRpcId id, int code, string message)
    {
        if (batch is not null)
        {
            AppendError(batch, id, code, message);
            return;
        }

        WriteFromReadLoop(new ErrorMessage(id, code, message, null), code);
    }

    private static void AppendError(BatchResponse batch, JsonRpcId id, int code, string message, string? data = null)
    {
        MessagingMetrics.ErrorSent(code);
        batch.Append(new ErrorMessage(id, code, message, data), static (w, m) => m.Write(w));
    }

    private void WriteFromReadLoop<T>(T message, int errorCode)
        where T : struct, IOutboundMessage
    {
        MessagingMetrics.ErrorSent(errorCode);
        ValueTask write = _output.WriteAsync(message, flush: false);
        if (!write.IsCompletedSuccessfully)
        {
            _readLoopWrites.Add(write.AsTask());
        }
    }

    /// <summary>
    /// Flushes what the read loop wrote. The read loop does not wait for a slow peer to take its output (two engines
    /// both waiting on their output would never read again); it only waits once it holds too many unfinished writes.
    /// Requests stay bounded meanwhile: a request keeps its lane slot until its response is written.
    /// </summary>
    private async ValueTask FlushReadLoopWritesAsync()
    {
        ValueTask flush = _output.FlushAsync();
        if (!flush.IsCompletedSuccessfully)
        {
            _readLoopWrites.Add(flush.AsTask());
        }

        if (_readLoopWrites.Count == 0)
        {
            return;
        }

        _readLoopWrites.RemoveAll(static t => t.IsCompletedSuccessfully);
        if (_readLoopWrites.Count > MaxUnfinishedReadLoopWrites || _draining)
        {
            foreach (Task write in _readLoopWrites)
            {
                await write.ConfigureAwait(false);
            }

            _readLoopWrites.Clear();
        }
    }

    private void CancelIncoming(ReadOnlySequence<byte> parameters, JsonTokenType kind)
    {
        if (kind != JsonTokenType.StartObject)
        {
            return;
        }

        var reader = new Utf8JsonReader(parameters);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isRequestId = reader.ValueTextEquals(JsonRpcNames.RequestId.EncodedUtf8Bytes);
            reader.Read();
            if (isRequestId && JsonRpcId.TryRead(ref reader, out JsonRpcId id))
            {
                JsonRpcRequestContext? target;
                lock (_inFlightGate)
                {
                    _inFlight.TryGetValue(id, out target);
                }

                if (target is not null)
                {
                    LogRequestCancelled(id.ToString());
                    target.CancelByPeer();
                }

                return;
            }

            reader.Skip();
        }
    }

    private void CancelAllInFlight()
    {
        JsonRpcRequestContext[] targets;
        lock (_inFlightGate)
        {
            targets = [.. _inFlight.Values];
        }

        foreach (JsonRpcRequestContext target in targets)
        {
            target.Cancel();
        }
    }

    private async Task DrainAsync()
    {
        _draining = true;
        if (Volatile.Read(ref _outstanding) == 0)
        {
            return;
        }

        if (_options.ShutdownTimeout > TimeSpan.Zero)
        {
            await _drained.Task.WaitAsync(_options.ShutdownTimeout, _timeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (!_drained.Task.IsCompleted)
        {
            LogDrainTimedOut(Volatile.Read(ref _outstanding));
            CancelAllInFlight();
            await _drained.Task.WaitAsync(_options.ShutdownTimeout, _timeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

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
        await write.ConfigureAwait(false);
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
            _ = _output.WriteAsync(new CancelMessage(_options.CancellationMethod, id), flush: true).AsTask();
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
            pending.TrySetResult(new JsonRpcResponse(message.Id, buffer, length));
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
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int c))
                {
                    code = c;
                }
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    text = reader.GetString()!;
                }
            }
            else if (reader.ValueTextEquals("data"u8))
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

    private JsonRpcRequestContext RentContext()
    {
        lock (_poolGate)
        {
            if (_contextPool.TryPop(out JsonRpcRequestContext? context))
            {
                return context;
            }
        }

        return new JsonRpcRequestContext(this);
    }

    private void ReturnContext(JsonRpcRequestContext context)
    {
        lock (_poolGate)
        {
            if (_contextPool.Count < MaxPooledContexts)
            {
                _contextPool.Push(context);
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

    private static Activity? StartActivity(JsonRpcRequestContext context)
    {
        Activity? activity = CodeCoreDiagnostics.ActivitySource.StartActivity(context.Method, ActivityKind.Server);
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "jsonrpc");
            activity.SetTag("rpc.method", context.Method);
            activity.SetTag("rpc.jsonrpc.request_id", context.Id.ToString());
        }

        return activity;
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

    [LoggerMessage(1, LogLevel.Debug, "JSON-RPC transport ended with an error.")]
    private partial void LogTransportFailed(Exception exception);

    [LoggerMessage(9, LogLevel.Error, "The JSON-RPC read loop failed; closing the connection.")]
    private partial void LogReadLoopFailed(Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Refused a message over {MaxMessageSize} bytes.")]
    private partial void LogOversize(int maxMessageSize);

    [LoggerMessage(3, LogLevel.Error, "The handler of '{Method}' failed.")]
    private partial void LogHandlerFailed(Exception exception, string method);

    [LoggerMessage(4, LogLevel.Warning, "The handler of notification '{Method}' failed.")]
    private partial void LogNotificationFailed(Exception exception, string method);

    [LoggerMessage(5, LogLevel.Warning, "Lane '{Lane}' is full: rejected '{Method}' as server busy.")]
    private partial void LogLaneFull(string lane, string method);

    [LoggerMessage(6, LogLevel.Debug, "The peer cancelled request {Id}.")]
    private partial void LogRequestCancelled(string id);

    [LoggerMessage(7, LogLevel.Debug, "Ignored a response to unknown request {Id}.")]
    private partial void LogUnmatchedResponse(string id);

    [LoggerMessage(8, LogLevel.Warning, "Shutdown timed out with {Count} requests still running; cancelling them.")]
    private partial void LogDrainTimedOut(int count);
}
