using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Text.Json.Serialization.Metadata;
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
/// run on the thread pool, never on the read loop, so a caller that blocks in one does not stop the connection.
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
    private readonly MessagingMetrics _metrics;
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
    private readonly Stack<ResponseBuffer> _responseBufferPool = new();
    private readonly Action<ResponseBuffer> _returnResponseBuffer;
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
    /// <param name="meterFactory">Creates the <c>Code.Core</c> meter the connection's metrics are recorded on; <see langword="null"/> for the process-wide meter.</param>
    public JsonRpcConnection(IDuplexPipe transport, JsonRpcRouter router, MessagingOptions? options = null, TimeProvider? timeProvider = null, ILogger<JsonRpcConnection>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(router);
        _options = options ?? new MessagingOptions();
        _options.Validate();
        _input = transport.Input;
        _router = router;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = MessagingMetrics.For(meterFactory);
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
        _returnResponseBuffer = ReturnResponseBuffer;
        _onOutgoingCancelled = OnOutgoingCancelled;
    }

    /// <summary>Gets or sets state that a protocol layer keeps per connection (for example an MCP session).</summary>
    public object? State { get; set; }

    /// <summary>Gets the connection's options.</summary>
    public MessagingOptions Options => _options;

    /// <summary>Gets the connection's logger, for the protocol layers built on it.</summary>
    internal ILogger Logger => _logger;

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
        return SendRequest(pending, new RawCallMessage(pending.Id, method, parameters));
    }

    /// <summary>Sends a request whose params are serialized straight into the transport, and waits for the response.</summary>
    /// <typeparam name="TParams">The params type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="parameters">The params.</param>
    /// <param name="typeInfo">The params' JSON contract.</param>
    /// <param name="cancellationToken">Cancels the wait and sends the peer a cancellation notification.</param>
    /// <returns>The response; dispose it after reading.</returns>
    /// <exception cref="JsonRpcException">The peer answered with an error.</exception>
    /// <remarks>When the serializer throws, nothing is sent and the returned task fails with its exception.</remarks>
    public ValueTask<JsonRpcResponse> SendRequestAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(typeInfo);
        PendingRequest pending = BeginRequest(cancellationToken);
        return SendRequest(pending, new TypedCallMessage<TParams>(pending.Id, method, parameters, typeInfo));
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
    /// <remarks>When the serializer throws, nothing is sent and the exception reaches the caller.</remarks>
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
}
