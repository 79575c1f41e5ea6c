using System.IO.Pipelines;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Code.Core.Messaging.Mcp;

/// <summary>
/// An MCP server for tools on the Pipelines engine: <c>initialize</c> (2024-11-05 to 2025-11-25),
/// <c>server/discover</c> with per-request <c>_meta</c> (2026-07-28), <c>ping</c> (up to 2025-11-25), <c>tools/list</c>,
/// <c>tools/call</c> with progress, and cancellation through <c>notifications/cancelled</c>. It reuses the
/// protocol types of ModelContextProtocol.Core. Register tools with <see cref="AddTool(Tool, McpToolHandler)"/>,
/// then serve any transport with <see cref="RunAsync"/> or <see cref="CreateConnection"/>.
/// </summary>
/// <remarks>
/// On the 2026-07-28 revision every result carries <c>resultType: "complete"</c> and the server's identity in
/// <c>_meta["io.modelcontextprotocol/serverInfo"]</c>, and <c>tools/list</c> also <c>ttlMs: 0</c> and
/// <c>cacheScope: "private"</c>, as the SDK's server sends them; results of older revisions carry none of these.
/// </remarks>
public sealed partial class McpMessageServer
{
    private readonly Lock _gate = new();
    private readonly McpMessageServerOptions _options;
    private readonly IMeterFactory? _meterFactory;
    private readonly ServerCapabilities _capabilities = new() { Tools = new ToolsCapability() };
    private readonly byte[] _serverInfoJson;
    private McpToolEntry[] _tools = [];
    private byte[] _toolsList = [];
    private byte[] _toolsListPerRequest = [];

    /// <summary>Initializes a new server.</summary>
    /// <param name="options">Its identity and instructions; <see langword="null"/> for the defaults.</param>
    /// <param name="meterFactory">Creates the <c>Code.Core</c> meter of its connections' metrics; <see langword="null"/> for the process-wide meter.</param>
    public McpMessageServer(McpMessageServerOptions? options = null, IMeterFactory? meterFactory = null)
    {
        _options = options ?? new McpMessageServerOptions();
        _meterFactory = meterFactory;
        _serverInfoJson = JsonSerializer.SerializeToUtf8Bytes(_options.ServerInfo, McpJson.Implementation);
        Router = new JsonRpcRouter()
            .Map(RequestMethods.Initialize, HandleInitialize, MessageLane.Control)
            .Map(NotificationMethods.InitializedNotification, static _ => ValueTask.CompletedTask, MessageLane.Control)
            .Map(RequestMethods.ServerDiscover, HandleDiscover, MessageLane.Control)
            .Map(RequestMethods.Ping, HandlePing, MessageLane.Control)
            .Map(RequestMethods.ToolsList, HandleListTools, MessageLane.Control)
            .Map(RequestMethods.ToolsCall, HandleCallTool, MessageLane.Normal);
        RebuildToolsList();
    }

    /// <summary>Gets the router holding the MCP methods; a host may map more methods on it.</summary>
    public JsonRpcRouter Router { get; }

    /// <summary>Gets the registered tools.</summary>
    public IReadOnlyList<Tool> Tools => Array.ConvertAll(Volatile.Read(ref _tools), t => t.Tool);

    /// <summary>Registers a tool, replacing one of the same name.</summary>
    /// <param name="tool">The tool's name, description and JSON schema, as listed by <c>tools/list</c>.</param>
    /// <param name="handler">Runs a call of the tool.</param>
    /// <returns>This server.</returns>
    public McpMessageServer AddTool(Tool tool, McpToolHandler handler)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentException.ThrowIfNullOrEmpty(tool.Name);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            var tools = _tools.Where(t => !string.Equals(t.Tool.Name, tool.Name, StringComparison.Ordinal)).ToList();
            tools.Add(new McpToolEntry(tool, handler));
            Volatile.Write(ref _tools, [.. tools]);
            RebuildToolsList();
        }

        return this;
    }

    /// <summary>Registers a tool from its name, description and input schema.</summary>
    /// <param name="name">The tool's name.</param>
    /// <param name="description">What the tool does, for the model.</param>
    /// <param name="inputSchema">The JSON schema of its arguments (an object schema).</param>
    /// <param name="handler">Runs a call of the tool.</param>
    /// <returns>This server.</returns>
    public McpMessageServer AddTool(string name, string description, JsonElement inputSchema, McpToolHandler handler)
        => AddTool(new Tool { Name = name, Description = description, InputSchema = inputSchema }, handler);

    /// <summary>Creates a connection that serves this server's methods over a transport; call <see cref="JsonRpcConnection.Start"/> on it.</summary>
    /// <param name="transport">The duplex pipe to the client.</param>
    /// <param name="options">Framing, limits and lanes; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <returns>The connection.</returns>
    public JsonRpcConnection CreateConnection(IDuplexPipe transport, MessagingOptions? options = null, TimeProvider? timeProvider = null, ILogger<JsonRpcConnection>? logger = null)
        => new(transport, Router, options, timeProvider, logger, _meterFactory) { State = new McpSession() };

    /// <summary>Serves one client until it disconnects or <paramref name="cancellationToken"/> fires (then shuts down gracefully).</summary>
    /// <param name="transport">The duplex pipe to the client, e.g. <see cref="Transports.MessageTransports.Stdio"/>.</param>
    /// <param name="options">Framing, limits and lanes; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async Task RunAsync(IDuplexPipe transport, MessagingOptions? options, CancellationToken cancellationToken)
    {
        await using JsonRpcConnection connection = CreateConnection(transport, options);
        connection.Start();
        using (cancellationToken.UnsafeRegister(static s => _ = ((JsonRpcConnection)s!).ShutdownAsync(), connection))
        {
            await connection.Completion.ConfigureAwait(false);
        }
    }

    private ValueTask HandleInitialize(JsonRpcRequestContext context)
    {
        InitializeRequestParams request = context.ReadParams(McpJson.InitializeRequestParams)
            ?? throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "initialize needs params with protocolVersion, capabilities and clientInfo.");
        if (ReadMetaProtocolVersion(context.Params.Span) is not null)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidRequest, $"The per-request '_meta/{McpProtocol.ProtocolVersionMetaKey}' is not valid on initialize.");
        }

        // Answer with the client's version when it is one we speak through initialize, else with our latest.
        string version = McpProtocol.InitializeVersions.Contains(request.ProtocolVersion) ? request.ProtocolVersion : McpProtocol.November2025;
        if (context.Connection.State is McpSession session)
        {
            session.ProtocolVersion = version;
            session.ClientInfo = request.ClientInfo;
        }

        context.SetResult(
            new InitializeResult
            {
                ProtocolVersion = version,
                Capabilities = _capabilities,
                ServerInfo = _options.ServerInfo,
                Instructions = _options.Instructions,
            },
            McpJson.InitializeResult);
        return ValueTask.CompletedTask;
    }

    private ValueTask HandleDiscover(JsonRpcRequestContext context)
    {
        string version = ReadMetaProtocolVersion(context.Params.Span)
            ?? throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, $"server/discover needs '_meta/{McpProtocol.ProtocolVersionMetaKey}' naming a supported protocol version.");
        if (!McpProtocol.PerRequestVersions.Contains(version))
        {
            throw UnsupportedVersion(version);
        }

        if (context.Connection.State is McpSession session)
        {
            session.ProtocolVersion = version;
        }

        var result = new DiscoverResult
        {
            SupportedVersions = McpProtocol.PerRequestVersions,
            Capabilities = _capabilities,
            Instructions = _options.Instructions,
            TimeToLive = TimeSpan.Zero,
            CacheScope = CacheScope.Private,
            ResultType = McpProtocol.CompleteResultType,
            Meta = new JsonObject { [McpProtocol.ServerInfoMetaKey] = JsonSerializer.SerializeToNode(_options.ServerInfo, McpJson.Implementation) },
        };
        context.SetResult(result, McpJson.DiscoverResult);
        return ValueTask.CompletedTask;
    }

    private static ValueTask HandlePing(JsonRpcRequestContext context)
    {
        // ping was removed by the 2026-07-28 revision: the SDK's server answers it with method-not-found there.
        if (UsesPerRequestRevision(context, ReadMetaProtocolVersion(context.Params.Span)))
        {
            throw new JsonRpcException(JsonRpcErrorCodes.MethodNotFound, $"Method '{RequestMethods.Ping}' is not available on protocol version '{McpProtocol.July2026}'.");
        }

        context.SetRawResult("{}"u8);
        return ValueTask.CompletedTask;
    }

    private ValueTask HandleListTools(JsonRpcRequestContext context)
    {
        string? version = ReadMetaProtocolVersion(context.Params.Span);
        if (version is not null && !McpProtocol.IsSupported(version))
        {
            throw UnsupportedVersion(version);
        }

        context.SetRawResult(UsesPerRequestRevision(context, version) ? Volatile.Read(ref _toolsListPerRequest) : Volatile.Read(ref _toolsList));
        return ValueTask.CompletedTask;
    }

    /// <summary>Tells whether a request speaks the 2026-07-28 revision: by its own <c>_meta</c> version, else by the connection's.</summary>
    private static bool UsesPerRequestRevision(JsonRpcRequestContext context, string? requestVersion)
        => McpProtocol.IsPerRequest(requestVersion ?? (context.Connection.State as McpSession)?.ProtocolVersion);

    private static string? ReadMetaProtocolVersion(ReadOnlySpan<byte> parameters)
    {
        if (parameters.IsEmpty)
        {
            return null;
        }

        var reader = new Utf8JsonReader(parameters);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isMeta = JsonText.ValueTextEquals(ref reader, "_meta"u8);
            reader.Read();
            if (isMeta)
            {
                ProgressToken? ignored = null;
                string? version = null;
                ReadCallMeta(ref reader, ref ignored, ref version);
                return version;
            }

            reader.Skip();
        }

        return null;
    }

    private static JsonRpcException UnsupportedVersion(string requested)
    {
        string[] supported = McpProtocol.PerRequestVersions;
        var data = new UnsupportedProtocolVersionErrorData { Requested = requested, Supported = supported };
        return new JsonRpcException(
            McpProtocol.UnsupportedProtocolVersionCode,
            $"Unsupported protocol version '{requested}'; supported: {string.Join(", ", supported)}.",
            McpJson.Serialize(data, McpJson.UnsupportedProtocolVersionErrorData));
    }

    private void RebuildToolsList()
    {
        var result = new ListToolsResult { Tools = [.. _tools.Select(t => t.Tool)] };
        Volatile.Write(ref _toolsList, JsonSerializer.SerializeToUtf8Bytes(result, McpJson.ListToolsResult));
        result.TimeToLive = TimeSpan.Zero;
        result.CacheScope = CacheScope.Private;
        result.ResultType = McpProtocol.CompleteResultType;
        result.Meta = new JsonObject { [McpProtocol.ServerInfoMetaKey] = JsonNode.Parse(_serverInfoJson) };
        Volatile.Write(ref _toolsListPerRequest, JsonSerializer.SerializeToUtf8Bytes(result, McpJson.ListToolsResult));
    }

    private sealed class McpToolEntry(Tool tool, McpToolHandler handler)
    {
        public Tool Tool { get; } = tool;

        public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(tool.Name);

        public McpToolHandler Handler { get; } = handler;
    }
}
