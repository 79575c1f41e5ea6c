using ModelContextProtocol.Protocol;

namespace Code.Core.Messaging.Mcp;

/// <summary>Identity and instructions of an <see cref="McpMessageServer"/>.</summary>
public sealed class McpMessageServerOptions
{
    /// <summary>Gets or sets the server's name and version, as reported to clients.</summary>
    /// <value>The default value is <c>code</c>, version <c>0.1.0</c>.</value>
    public Implementation ServerInfo { get; set; } = new() { Name = "code", Version = "0.1.0" };

    /// <summary>Gets or sets the instructions for the model returned by initialize and server/discover.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Instructions { get; set; }
}
