using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Code.Core.Messaging.JsonRpc;

namespace Code.Core.Messaging.Routing;

/// <summary>
/// One request or notification being handled: its id, method, raw params, cancellation and the writer of its
/// result. Contexts are pooled by the connection: one is valid only until its handler's task completes.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Pooled by its connection; the writer targets a managed buffer and the token source is reset or replaced between uses.")]
public sealed class JsonRpcRequestContext
{
    private static readonly JsonWriterOptions ResultWriterOptions = new() { SkipValidation = false };

    private readonly ArrayBufferWriter<byte> _result = new(256);
    private readonly Utf8JsonWriter _resultWriter;

    /// <summary>Guards <see cref="_generation"/>, <see cref="_cancellation"/> and <see cref="_cancelling"/> against a cancellation racing completion.</summary>
    private readonly Lock _gate = new();
    private CancellationTokenSource _cancellation = new();
    private int _generation;
    private int _cancelling;
    private bool _cancelledByPeer;
    private byte[] _params = [];
    private int _paramsLength;

    internal JsonRpcRequestContext(JsonRpcConnection connection)
    {
        Connection = connection;
        _resultWriter = new Utf8JsonWriter(_result, ResultWriterOptions);
        WorkItem = new QueuedWork(this);
        OnHandlerCompleted = () => connection.HandlerCompleted(this);
    }

    /// <summary>Gets the connection the request arrived on; use it to send notifications or requests to the peer.</summary>
    public JsonRpcConnection Connection { get; }

    /// <summary>Gets the request's id; its <see cref="JsonRpcId.Kind"/> is <see cref="JsonRpcIdKind.None"/> for a notification.</summary>
    public JsonRpcId Id { get; private set; }

    /// <summary>Gets a value indicating whether the message is a notification (no response is sent).</summary>
    public bool IsNotification => Id.Kind == JsonRpcIdKind.None;

    /// <summary>Gets the method name.</summary>
    public string Method => Route!.Method;

    /// <summary>Gets the raw JSON of <c>params</c> (an object or an array), or an empty buffer when the message had none.</summary>
    public ReadOnlyMemory<byte> Params => _params.AsMemory(0, _paramsLength);

    /// <summary>Gets the token cancelled when the peer cancels the request or the connection aborts.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>
    /// Gets the writer of the result: write exactly one JSON value. When nothing is written, the result is <c>null</c>.
    /// </summary>
    public Utf8JsonWriter ResultWriter
    {
        get
        {
            HasResult = true;
            return _resultWriter;
        }
    }

    internal MethodRoute? Route { get; private set; }

    internal BatchResponse? Batch { get; private set; }

    internal int Size { get; private set; }

    internal long StartTimestamp { get; set; }

    internal Activity? Activity { get; set; }

    internal bool HasResult { get; private set; }

    internal bool CancelledByPeer => Volatile.Read(ref _cancelledByPeer);

    /// <summary>
    /// Gets the use of this pooled context: it changes on every <see cref="Reset"/>, so a cancellation found for one request
    /// can never reach the next request that reuses the context.
    /// </summary>
    internal int Generation => Volatile.Read(ref _generation);

    internal bool IsRegistered { get; set; }

    internal IThreadPoolWorkItem WorkItem { get; }

    internal Action OnHandlerCompleted { get; }

    internal ValueTask PendingHandler { get; set; }

    internal RequestLane? PendingLane { get; set; }

    internal ReadOnlySpan<byte> ResultJson => _result.WrittenSpan;

    internal int ResultDepth => _resultWriter.CurrentDepth;

    /// <summary>Serializes <paramref name="value"/> as the result, replacing anything written before.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="value">The result.</param>
    /// <param name="typeInfo">Its JSON contract (source-generated, so no reflection is needed).</param>
    public void SetResult<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ResetResult();
        HasResult = true;
        JsonSerializer.Serialize(_resultWriter, value, typeInfo);
    }

    /// <summary>Sets the result to the given JSON text, replacing anything written before.</summary>
    /// <param name="json">One complete JSON value in UTF-8.</param>
    public void SetRawResult(ReadOnlySpan<byte> json)
    {
        ResetResult();
        HasResult = true;
        _resultWriter.WriteRawValue(json);
    }

    /// <summary>Deserializes the params.</summary>
    /// <typeparam name="T">The params type.</typeparam>
    /// <param name="typeInfo">Its JSON contract.</param>
    /// <returns>The params, or the default value when the message had none.</returns>
    /// <exception cref="JsonRpcException">The params do not match the type (code -32602, invalid params).</exception>
    public T? ReadParams<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (_paramsLength == 0)
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize(Params.Span, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, $"Invalid params for '{Method}': {ex.Message}");
        }
    }

    internal void Initialize(MethodRoute route, JsonRpcId id, in System.Buffers.ReadOnlySequence<byte> parameters, BatchResponse? batch, int size)
    {
        Route = route;
        Id = id;
        Batch = batch;
        Size = size;
        _paramsLength = checked((int)parameters.Length);
        if (_paramsLength > 0)
        {
            _params = ArrayPool<byte>.Shared.Rent(_paramsLength);
            parameters.CopyTo(_params);
        }
    }

    /// <summary>Cancels the request the peer named, if this context still serves it (same <paramref name="generation"/>).</summary>
    internal void CancelByPeer(int generation) => Cancel(generation, byPeer: true);

    /// <summary>Cancels the request, if this context still serves it (same <paramref name="generation"/>).</summary>
    internal void Cancel(int generation) => Cancel(generation, byPeer: false);

    private void Cancel(int generation, bool byPeer)
    {
        CancellationTokenSource source;
        lock (_gate)
        {
            if (generation != _generation)
            {
                return;
            }

            if (byPeer)
            {
                _cancelledByPeer = true;
            }

            // The source is taken under the lock and marked in use: Reset replaces it rather than reusing or disposing
            // it while its callbacks (the handler's code) run outside the lock.
            source = _cancellation;
            _cancelling++;
        }

        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // A cancellation callback of the handler threw; the handler's own outcome reports the failure.
        }
        finally
        {
            lock (_gate)
            {
                _cancelling--;
            }
        }
    }

    internal void FlushResult() => _resultWriter.Flush();

    internal void Reset()
    {
        if (_params.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_params);
            _params = [];
        }

        _paramsLength = 0;
        ResetResult();
        HasResult = false;
        Route = null;
        Batch = null;
        Id = default;
        Size = 0;
        StartTimestamp = 0;
        Activity = null;
        IsRegistered = false;
        PendingHandler = default;
        PendingLane = null;
        lock (_gate)
        {
            _generation++;
            _cancelledByPeer = false;
            if (_cancelling > 0)
            {
                // A cancellation is running on the old source: leave it to finish and to the collector.
                _cancellation = new CancellationTokenSource();
            }
            else if (!_cancellation.TryReset())
            {
                _cancellation.Dispose();
                _cancellation = new CancellationTokenSource();
            }
        }

        // Keep pooled buffers small: a big result should not pin its memory for the connection's lifetime.
        if (_result.Capacity > 64 * 1024)
        {
            _result.Clear();
        }
    }

    private void ResetResult()
    {
        _result.ResetWrittenCount();
        _resultWriter.Reset(_result);
    }

    private sealed class QueuedWork(JsonRpcRequestContext owner) : IThreadPoolWorkItem
    {
        public void Execute() => owner.Connection.RunQueued(owner);
    }
}
