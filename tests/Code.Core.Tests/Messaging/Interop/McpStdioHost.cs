using System.Text.Json;
using Code.Core.Messaging.Mcp;
using Code.Core.Messaging.Transports;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Code.Core.Tests.Messaging.Interop;

/// <summary>
/// The child process of the interop tests: an MCP server on the engine over this process's standard input and output,
/// as an agent launches one (<c>dotnet exec Code.Core.Tests.dll mcp-stdio-host</c>). It serves until stdin closes.
/// </summary>
internal static class McpStdioHost
{
    public const string Command = "mcp-stdio-host";

    public static McpMessageServer CreateServer() => new McpMessageServer(new McpMessageServerOptions { ServerInfo = new() { Name = "code-stdio", Version = "1.0.0" } })
        .AddTool("echo", "Echoes its text.", Schema("""{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"""), static call =>
        {
            EchoArgs args = call.GetArguments(InteropJsonContext.Default.EchoArgs)!;
            return ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = "Echo: " + args.Text }] });
        })
        .AddTool("add", "Adds two integers.", Schema("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}"""), static call =>
        {
            AddArgs args = call.GetArguments(InteropJsonContext.Default.AddArgs)!;
            return ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = (args.A + args.B).ToString(System.Globalization.CultureInfo.InvariantCulture) }] });
        })
        .AddTool("fails", "Always fails with an internal error.", Schema("""{"type":"object"}"""), static _ => throw new InvalidOperationException("secret path /srv/code/state"));

    public static async Task<int> RunAsync()
    {
        await CreateServer().RunAsync(MessageTransports.Stdio(), options: null, CancellationToken.None);
        return 0;
    }

    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

internal sealed record EchoArgs(string Text);

internal sealed record AddArgs(int A, int B);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(EchoArgs))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AddArgs))]
internal sealed partial class InteropJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
