using System.IO.Pipelines;
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
/// <c>server/discover</c> with per-request <c>_meta</c> (2026-07-28), <c>ping</c>, <c>tools/list</c>,
/// <c>tools/call</c> with progress, and cancellation through <c>notifications/cancelled</c>. It reuses the
/// protocol types of ModelContextProtocol.Core. Register tools with <see cref="AddTool(Tool, McpToolHandler)"/>,
/// then serve any transport with <see cref="RunAsync"/> or <see cref="CreateConnection"/>.
/// </summary>
public sealed class McpMessageServer
{
    private readonly Lock _gate = new();
    private readonly McpMessageServerOptions _options;
    private readonly ServerCapabilities _capabilities = new() { Tools = new ToolsCapability() };
    private McpToolEntry[] _tools = [];
    private byte[] _toolsList = [];

    /// <summary>Initializes a new server.</summary>
    /// <param name="options">Its identity and instructions; <see langword="null"/> for the defaults.</param>
    public McpMessageServer(McpMessageServerOptions? options = null)
    {
        _options = options ?? new McpMessageServerOptions();
        Router = new JsonRpcRouter()
            .Map(RequestMethods.Initialize, HandleInitialize, MessageLane.Control)
            .Map(NotificationMethods.InitializedNotification, static _ => ValueTask.CompletedTask, MessageLane.Control)
            .Map(RequestMethods.ServerDiscover, HandleDiscover, MessageLane.Control)
            .Map(RequestMethods.Ping, static context =>
            {
                context.SetRawResult("{}"u8);
                return ValueTask.CompletedTask;
            }, MessageLane.Control)
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
        => new(transport, Router, options, timeProvider, logger) { State = new McpSession() };

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
            throw UnsupportedVersion(version, McpProtocol.PerRequestVersions);
        }

        var result = new DiscoverResult
        {
            SupportedVersions = McpProtocol.PerRequestVersions,
            Capabilities = _capabilities,
            Instructions = _options.Instructions,
            TimeToLive = TimeSpan.Zero,
            CacheScope = CacheScope.Private,
            ResultType = "complete",
            Meta = new JsonObject { [McpProtocol.ServerInfoMetaKey] = JsonSerializer.SerializeToNode(_options.ServerInfo, McpJson.Implementation) },
        };
        context.SetResult(result, McpJson.DiscoverResult);
        return ValueTask.CompletedTask;
    }

    private ValueTask HandleListTools(JsonRpcRequestContext context)
    {
        context.SetRawResult(Volatile.Read(ref _toolsList));
        return ValueTask.CompletedTask;
    }

    private ValueTask HandleCallTool(JsonRpcRequestContext context)
    {
        ReadOnlyMemory<byte> parameters = context.Params;
        McpToolEntry? entry = null;
        string? unknownName = null;
        int argumentsStart = 0, argumentsLength = 0;
        ProgressToken? progressToken = null;
        string? version = null;

        var reader = new Utf8JsonReader(parameters.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "tools/call needs params {name, arguments}.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "tools/call: 'name' must be a string.");
                }

                entry = MatchTool(ref reader);
                unknownName = entry is null ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("arguments"u8))
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
            else if (reader.ValueTextEquals("_meta"u8))
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
            throw UnsupportedVersion(version, McpProtocol.PerRequestVersions);
        }

        if (entry is null)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, unknownName is null ? "tools/call needs the tool's 'name'." : $"Unknown tool: '{unknownName}'.");
        }

        var call = new McpToolCall(context, entry.Tool, parameters.Slice(argumentsStart, argumentsLength), progressToken);
        ValueTask<CallToolResult> pending;
        try
        {
            pending = entry.Handler(call);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not JsonRpcException)
        {
            CallToolResultWriter.Write(context.ResultWriter, ErrorResult(entry.Tool.Name, ex));
            return ValueTask.CompletedTask;
        }

        if (pending.IsCompletedSuccessfully)
        {
            CallToolResultWriter.Write(context.ResultWriter, pending.Result);
            return ValueTask.CompletedTask;
        }

        return AwaitToolAsync(context, entry, pending);
    }

    private static async ValueTask AwaitToolAsync(JsonRpcRequestContext context, McpToolEntry entry, ValueTask<CallToolResult> pending)
    {
        CallToolResult result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not JsonRpcException)
        {
            result = ErrorResult(entry.Tool.Name, ex);
        }

        CallToolResultWriter.Write(context.ResultWriter, result);
    }

    private static CallToolResult ErrorResult(string tool, Exception ex) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = $"An error occurred invoking '{tool}': {ex.Message}" }],
    };

    private static void ReadCallMeta(ref Utf8JsonReader reader, ref ProgressToken? progressToken, ref string? version)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("progressToken"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    progressToken = new ProgressToken(reader.GetString()!);
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
            else if (reader.ValueTextEquals(McpProtocol.ProtocolVersionMetaKey))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    version = reader.GetString();
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
            bool isMeta = reader.ValueTextEquals("_meta"u8);
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

    private static JsonRpcException UnsupportedVersion(string requested, string[] supported)
    {
        var data = new UnsupportedProtocolVersionErrorData { Requested = requested, Supported = supported };
        return new JsonRpcException(
            McpProtocol.UnsupportedProtocolVersionCode,
            $"Unsupported protocol version '{requested}'; supported: {string.Join(", ", supported)}.",
            McpJson.Serialize(data, McpJson.UnsupportedProtocolVersionErrorData));
    }

    private McpToolEntry? MatchTool(ref Utf8JsonReader reader)
    {
        foreach (McpToolEntry entry in Volatile.Read(ref _tools))
        {
            if (reader.ValueTextEquals(entry.Utf8Name))
            {
                return entry;
            }
        }

        return null;
    }

    private void RebuildToolsList()
    {
        var result = new ListToolsResult { Tools = [.. _tools.Select(t => t.Tool)] };
        Volatile.Write(ref _toolsList, JsonSerializer.SerializeToUtf8Bytes(result, McpJson.ListToolsResult));
    }

    private sealed class McpToolEntry(Tool tool, McpToolHandler handler)
    {
        public Tool Tool { get; } = tool;

        public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(tool.Name);

        public McpToolHandler Handler { get; } = handler;
    }
}
