using System.Diagnostics;
using System.Text.Json;

namespace Code.Core.Tests.Messaging.Interop;

/// <summary>
/// Interop with real MCP clients over stdio: the TypeScript SDK's client (protocol 2025-11-25) and the MCP Inspector CLI
/// in its legacy (2025-11-25) and modern (2026-07-28) protocol eras, each launching this test assembly as the server
/// (<see cref="McpStdioHost"/>). The clients come from tests/mcp-interop (<c>npm ci --prefix tests/mcp-interop</c>); on a
/// developer machine without them the tests are reported as skipped, under CI (<c>CI=true</c>) they fail.
/// </summary>
public sealed class NodeClientInteropTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(2);

    [NodeInteropFact]
    public async Task Typescript_sdk_client_lists_and_calls_tools()
    {
        RequireClients();
        (int exitCode, string stdout, string stderr) = await RunNodeAsync(Path.Combine(NodeInterop.Directory, "ts-sdk-client.mjs"), [.. ServerCommand()]);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        JsonElement report = JsonDocument.Parse(stdout).RootElement;

        Assert.Equal("code-stdio", report.GetProperty("server").GetProperty("name").GetString());
        Assert.Equal(["add", "echo", "fails"], report.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).Order());
        Assert.Equal("Echo: hello", Text(report.GetProperty("echo")));

        // SEP-1303: wrong or missing arguments are a tool error saying what was wrong, not a protocol error.
        Assert.True(report.GetProperty("wrongArguments").GetProperty("isError").GetBoolean());
        Assert.Contains("$.a", Text(report.GetProperty("wrongArguments")), StringComparison.Ordinal);
        Assert.True(report.GetProperty("missingArguments").GetProperty("isError").GetBoolean());
        Assert.Contains("'b'", Text(report.GetProperty("missingArguments")), StringComparison.Ordinal);

        // An internal failure reaches the client without its details.
        Assert.True(report.GetProperty("fails").GetProperty("isError").GetBoolean());
        Assert.Equal("An error occurred invoking 'fails'.", Text(report.GetProperty("fails")));
        Assert.Equal(-32602, report.GetProperty("unknownTool").GetProperty("code").GetInt32());
    }

    [NodeInteropTheory]
    [InlineData("legacy")]
    [InlineData("modern")]
    public async Task Inspector_cli_lists_and_calls_tools(string protocolEra)
    {
        RequireClients();
        JsonElement list = await RunInspectorAsync(protocolEra, expectedExitCode: 0, "--method", "tools/list");
        Assert.Equal(["add", "echo", "fails"], list.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order());

        JsonElement call = await RunInspectorAsync(protocolEra, expectedExitCode: 0, "--method", "tools/call", "--tool-name", "echo", "--tool-arg", "text=hi");
        Assert.Equal("Echo: hi", Text(call.GetProperty("result")));

        // The Inspector exits with 5 when a tool answers isError: true (and with 1 on a protocol error).
        await RunInspectorAsync(protocolEra, expectedExitCode: 5, "--method", "tools/call", "--tool-name", "add", "--tool-args-json", """{"a":"x","b":2}""");
    }

    /// <summary>Fails loudly (under CI the test is never skipped) when the clients cannot run.</summary>
    private static void RequireClients()
    {
        string? missing = NodeInterop.Missing();
        Assert.True(missing is null, missing);
    }

    private static string Text(JsonElement result) => result.GetProperty("content")[0].GetProperty("text").GetString()!;

    private static string[] ServerCommand() => [DotnetHost(), "exec", typeof(McpStdioHost).Assembly.Location, McpStdioHost.Command];

    private static async Task<JsonElement> RunInspectorAsync(string protocolEra, int expectedExitCode, params string[] method)
    {
        string launcher = Path.Combine(NodeInterop.Directory, "node_modules", "@modelcontextprotocol", "inspector", "clients", "launcher", "build", "index.js");
        string[] arguments = ["--cli", "--protocol-era", protocolEra, "--format", "json", .. ServerCommand(), .. method];
        (int exitCode, string stdout, string stderr) = await RunNodeAsync(launcher, arguments);
        Assert.True(exitCode == expectedExitCode, $"Inspector {string.Join(' ', method)} ({protocolEra}) exited {exitCode}, expected {expectedExitCode}\n{stdout}\n{stderr}");
        return expectedExitCode == 0 ? JsonDocument.Parse(stdout).RootElement.Clone() : default;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string script, string[] arguments)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = NodeInterop.Directory,
        };
        info.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ClientTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {Path.GetFileName(script)} did not finish within {ClientTimeout}: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

/// <summary>Where the Node.js clients live, and whether they can run here.</summary>
internal static class NodeInterop
{
    public static string Directory { get; } = Path.Combine(FindRepositoryRoot(), "tests", "mcp-interop");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets why the clients cannot run, or <see langword="null"/> when they can.</summary>
    public static string? Missing()
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@modelcontextprotocol", "inspector"))
            || !System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@modelcontextprotocol", "sdk")))
        {
            return $"The MCP clients are not installed: run 'npm ci --prefix tests/mcp-interop' (Node.js 20+). Looked in {Directory}.";
        }

        return FindOnPath("node") is null ? "Node.js ('node') is not on the PATH." : null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Code.Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Code.Sdk.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A fact that needs the Node.js MCP clients: skipped when they are missing, except under CI, where the test runs and fails saying what is missing.</summary>
public sealed class NodeInteropFactAttribute : FactAttribute
{
    public NodeInteropFactAttribute()
    {
        if (!NodeInterop.IsCi && NodeInterop.Missing() is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs the Node.js MCP clients (see <see cref="NodeInteropFactAttribute"/>).</summary>
public sealed class NodeInteropTheoryAttribute : TheoryAttribute
{
    public NodeInteropTheoryAttribute()
    {
        if (!NodeInterop.IsCi && NodeInterop.Missing() is { } reason)
        {
            Skip = reason;
        }
    }
}
