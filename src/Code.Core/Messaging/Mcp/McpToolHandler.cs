using ModelContextProtocol.Protocol;

namespace Code.Core.Messaging.Mcp;

/// <summary>
/// Runs one MCP tool call. Return the tool's result (set <see cref="CallToolResult.IsError"/> for a failure the model
/// should see); an exception other than cancellation is turned into such an error result.
/// </summary>
/// <param name="call">The call: arguments, cancellation and progress reporting.</param>
/// <returns>The tool's result.</returns>
public delegate ValueTask<CallToolResult> McpToolHandler(McpToolCall call);
