using Code.Core.Configuration;

namespace Code.Core.Messaging;

/// <summary>
/// Settings of a <see cref="JsonRpcConnection"/>: framing, size limits and the three priority lanes.
/// <see cref="FromCodeOptions"/> derives them from a host's <see cref="CodeOptions"/>.
/// </summary>
public sealed class MessagingOptions
{
    /// <summary>Gets or sets how messages are delimited on the transport.</summary>
    /// <value>The default value is <see cref="MessageFraming.NewlineDelimited"/>.</value>
    public MessageFraming Framing { get; set; } = MessageFraming.NewlineDelimited;

    /// <summary>Gets or sets the largest message, in bytes, that is read; a larger one is skipped and answered with an error.</summary>
    /// <value>The default value is 1048576 (1 MiB), the default of <c>memory.max_message_size</c>.</value>
    public int MaxMessageSize { get; set; } = MessagingDefaults.MaxMessageSize;

    /// <summary>Gets or sets the largest number of messages accepted in one JSON-RPC batch.</summary>
    /// <value>The default value is 1024.</value>
    public int MaxBatchSize { get; set; } = MessagingDefaults.MaxBatchSize;

    /// <summary>Gets the settings of the <see cref="MessageLane.Control"/> lane.</summary>
    /// <value>By default 16 concurrent requests, a 1 MiB queue and <see cref="BackPressurePolicy.Wait"/>.</value>
    public LaneOptions Control { get; init; } = new() { MaxConcurrency = MessagingDefaults.ControlConcurrency };

    /// <summary>Gets the settings of the <see cref="MessageLane.Normal"/> lane, where tool calls run.</summary>
    /// <value>By default 32 concurrent requests per processor, a 1 MiB queue and <see cref="BackPressurePolicy.Wait"/>.</value>
    public LaneOptions Normal { get; init; } = new() { MaxConcurrency = Environment.ProcessorCount * MessagingDefaults.RequestsPerWorker };

    /// <summary>Gets the settings of the <see cref="MessageLane.Background"/> lane.</summary>
    /// <value>By default 8 concurrent requests, a 1 MiB queue and <see cref="BackPressurePolicy.Reject"/>.</value>
    public LaneOptions Background { get; init; } = new() { MaxConcurrency = MessagingDefaults.BackgroundConcurrency, Policy = BackPressurePolicy.Reject };

    /// <summary>
    /// Gets or sets the notification method that cancels an in-flight request; its params name the request by
    /// <c>requestId</c> (MCP) or <c>id</c> (LSP). With <c>notifications/cancelled</c> a cancelled request gets no response,
    /// as MCP asks; with <c>$/cancelRequest</c> it is answered with -32800 request cancelled, as LSP asks, and the
    /// cancellations this side sends carry <c>id</c> instead of <c>requestId</c>.
    /// </summary>
    /// <value>The default value is <c>notifications/cancelled</c>, as in MCP.</value>
    public string CancellationMethod { get; set; } = MessagingDefaults.CancellationMethod;

    /// <summary>
    /// Gets or sets a value indicating whether the message of a handler's exception is sent to the peer in the
    /// -32603 internal error (and a tool's exception in its error result). Off, the peer gets a generic message and the
    /// exception is only logged: exception texts may hold paths, names or secrets.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>Gets or sets how long a graceful shutdown waits for in-flight requests before cancelling them.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = MessagingDefaults.ShutdownTimeout;

    /// <summary>Gets a value indicating whether a request the peer cancelled is answered with -32800 (LSP's <c>$/cancelRequest</c>).</summary>
    internal bool AnswersCancelledRequests => string.Equals(CancellationMethod, MessagingDefaults.LspCancellationMethod, StringComparison.Ordinal);

    /// <summary>Gets the options of the given lane.</summary>
    /// <param name="lane">The lane.</param>
    /// <returns>The lane's options.</returns>
    public LaneOptions GetLane(MessageLane lane) => lane switch
    {
        MessageLane.Control => Control,
        MessageLane.Normal => Normal,
        MessageLane.Background => Background,
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, "Unknown message lane."),
    };

    /// <summary>
    /// Derives messaging settings from a host's options: <c>memory.max_message_size</c> bounds a message,
    /// <c>core.message_buffer_size</c> bounds each lane's queue, and <c>core.worker_threads</c> (0 for the
    /// processor count) times 32 is the concurrency of the normal lane.
    /// </summary>
    /// <param name="options">The host's validated options.</param>
    /// <returns>New messaging options.</returns>
    public static MessagingOptions FromCodeOptions(CodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int workers = options.Core.WorkerThreads > 0 ? options.Core.WorkerThreads : Environment.ProcessorCount;
        int buffer = options.Core.MessageBufferSize;
        return new MessagingOptions
        {
            MaxMessageSize = options.Memory.MaxMessageSize,
            Control = new() { MaxConcurrency = MessagingDefaults.ControlConcurrency, QueueCapacityBytes = buffer },
            Normal = new() { MaxConcurrency = workers * MessagingDefaults.RequestsPerWorker, QueueCapacityBytes = buffer },
            Background = new() { MaxConcurrency = MessagingDefaults.BackgroundConcurrency, QueueCapacityBytes = buffer, Policy = BackPressurePolicy.Reject },
        };
    }

    internal void Validate()
    {
        if (!Enum.IsDefined(Framing))
        {
            throw new ArgumentOutOfRangeException(nameof(Framing), Framing, "Unknown framing.");
        }

        if (MaxMessageSize < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "MaxMessageSize must be at least 64 bytes.");
        }

        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "ShutdownTimeout must not be negative.");
        }

        ArgumentException.ThrowIfNullOrEmpty(CancellationMethod);
        Control.Validate(nameof(Control));
        Normal.Validate(nameof(Normal));
        Background.Validate(nameof(Background));
    }
}
