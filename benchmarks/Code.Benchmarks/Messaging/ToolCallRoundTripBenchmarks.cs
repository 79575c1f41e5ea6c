using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Mcp;
using Code.Core.Messaging.Transports;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using JsonRpcResponse = Code.Core.Messaging.JsonRpc.JsonRpcResponse;

namespace Code.Benchmarks.Messaging;

/// <summary>
/// End-to-end MCP tools/call round trips in one process over in-memory pipes, sequentially and with 16 or 64 in
/// flight: the official SDK client and server (StreamClientTransport/StreamServerTransport, as the SDK's
/// InMemoryTransport sample), the engine's client and MCP server, and the SDK client against the engine's server.
/// The tool returns a prebuilt result in every case, so the figures are the protocol stacks' own cost.
/// One operation is one round trip.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Disposed in GlobalCleanup.")]
public class ToolCallRoundTripBenchmarks
{
    private const int Calls = 1024;
    private static readonly CallToolResult Result = new() { Content = [new TextContentBlock { Text = "Echo: hello world" }] };
    private static readonly Dictionary<string, object?> Arguments = new() { ["text"] = "hello world" };

    private McpServer? _sdkServer;
    private McpClient? _sdkClient;
    private JsonRpcConnection? _engineServer;
    private JsonRpcConnection? _engineClient;
    private JsonRpcConnection? _engineServerForSdk;
    private McpClient? _sdkClientOfEngine;
    private ValueTask<JsonRpcResponse>[] _engineCalls = [];
    private Task<CallToolResult>[] _sdkCalls = [];
    private MeterListener? _meterListener;
    private static double s_sink;

    /// <summary>Gets or sets how many calls are in flight at once.</summary>
    [Params(1, 16, 64)]
    public int InFlight { get; set; } = 1;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _engineCalls = new ValueTask<JsonRpcResponse>[InFlight];
        _sdkCalls = new Task<CallToolResult>[InFlight];
        JsonElement schema = JsonDocument.Parse("""{"type":"object","properties":{"text":{"type":"string"}}}""").RootElement.Clone();

        // The official SDK on both ends.
        Pipe toServer = new(), toClient = new();
        _sdkServer = McpServer.Create(
            new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream()),
            new McpServerOptions
            {
                Handlers = new McpServerHandlers
                {
                    ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = [new Tool { Name = "echo", InputSchema = schema }] }),
                    CallToolHandler = (_, _) => ValueTask.FromResult(Result),
                },
            });
        _ = _sdkServer.RunAsync();
        _sdkClient = await McpClient.CreateAsync(new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()));

        // The engine on both ends.
        var server = new McpMessageServer().AddTool("echo", "Echoes.", schema, static _ => ValueTask.FromResult(Result));
        var (clientPipe, serverPipe) = MessageTransports.CreatePipePair();
        _engineServer = server.CreateConnection(serverPipe);
        _engineServer.Start();
        _engineClient = new JsonRpcConnection(clientPipe, new());
        _engineClient.Start();

        // The SDK client against the engine's server.
        Pipe toEngine = new(), fromEngine = new();
        _engineServerForSdk = server.CreateConnection(MessageTransports.FromStreams(toEngine.Reader.AsStream(), fromEngine.Writer.AsStream()));
        _engineServerForSdk.Start();
        _sdkClientOfEngine = await McpClient.CreateAsync(new StreamClientTransport(toEngine.Writer.AsStream(), fromEngine.Reader.AsStream()));
    }

    /// <summary>Like <see cref="SetupAsync"/>, with a listener recording every Code.Core instrument (BenchmarkDotNet runs each method in its own process).</summary>
    [GlobalSetup(Target = nameof(EngineClientToEngineServerWithMetrics))]
    public async Task SetupWithMetricsAsync()
    {
        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Code.Core")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<double>(static (_, value, _, _) => Volatile.Write(ref s_sink, value));
        _meterListener.SetMeasurementEventCallback<long>(static (_, value, _, _) => Volatile.Write(ref s_sink, value));
        _meterListener.Start();
        await SetupAsync().ConfigureAwait(false);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _meterListener?.Dispose();
        await _sdkClient!.DisposeAsync();
        await _sdkServer!.DisposeAsync();
        await _sdkClientOfEngine!.DisposeAsync();
        await _engineClient!.DisposeAsync();
        await _engineServer!.DisposeAsync();
        await _engineServerForSdk!.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task SdkClientToSdkServer() => RunSdkAsync(_sdkClient!);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task SdkClientToEngineServer() => RunSdkAsync(_sdkClientOfEngine!);

    [Benchmark(OperationsPerInvoke = Calls)]
    public async Task EngineClientToEngineServer()
    {
        JsonRpcConnection client = _engineClient!;
        ReadOnlyMemory<byte> parameters = McpWireSamples.SmallParams;
        for (int done = 0; done < Calls; done += InFlight)
        {
            for (int i = 0; i < InFlight; i++)
            {
#pragma warning disable CA2012 // Each stored ValueTask is awaited exactly once below.
                _engineCalls[i] = client.SendRequestAsync("tools/call", parameters, CancellationToken.None);
#pragma warning restore CA2012
            }

            for (int i = 0; i < InFlight; i++)
            {
                using JsonRpcResponse response = await _engineCalls[i].ConfigureAwait(false);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task EngineClientToEngineServerWithMetrics() => EngineClientToEngineServer();

    private async Task RunSdkAsync(McpClient client)
    {
        for (int done = 0; done < Calls; done += InFlight)
        {
            for (int i = 0; i < InFlight; i++)
            {
                _sdkCalls[i] = client.CallToolAsync("echo", Arguments).AsTask();
            }

            await Task.WhenAll(_sdkCalls).ConfigureAwait(false);
        }
    }
}
