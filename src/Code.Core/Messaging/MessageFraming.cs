namespace Code.Core.Messaging;

/// <summary>How JSON-RPC messages are delimited on a byte stream.</summary>
public enum MessageFraming
{
    /// <summary>One JSON text per line, terminated by <c>\n</c> (a preceding <c>\r</c> is ignored), as MCP's stdio transport.</summary>
    NewlineDelimited = 0,

    /// <summary>A <c>Content-Length: N</c> header block ended by an empty line, then N bytes of JSON, as the Language Server Protocol.</summary>
    ContentLength = 1,
}
