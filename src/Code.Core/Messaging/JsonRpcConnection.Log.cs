using Microsoft.Extensions.Logging;

namespace Code.Core.Messaging;

/// <content>Source-generated log messages.</content>
public sealed partial class JsonRpcConnection
{
    [LoggerMessage(1, LogLevel.Debug, "JSON-RPC transport ended with an error.")]
    private partial void LogTransportFailed(Exception exception);

    [LoggerMessage(9, LogLevel.Error, "The JSON-RPC read loop failed; closing the connection.")]
    private partial void LogReadLoopFailed(Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Refused a message over {MaxMessageSize} bytes.")]
    private partial void LogOversize(int maxMessageSize);

    [LoggerMessage(3, LogLevel.Error, "The handler of '{Method}' failed.")]
    private partial void LogHandlerFailed(Exception exception, string method);

    [LoggerMessage(4, LogLevel.Warning, "The handler of notification '{Method}' failed.")]
    private partial void LogNotificationFailed(Exception exception, string method);

    [LoggerMessage(5, LogLevel.Warning, "Lane '{Lane}' is full: rejected '{Method}' as server busy.")]
    private partial void LogLaneFull(string lane, string method);

    [LoggerMessage(6, LogLevel.Debug, "The peer cancelled request {Id}.")]
    private partial void LogRequestCancelled(string id);

    [LoggerMessage(7, LogLevel.Debug, "Ignored a response to unknown request {Id}.")]
    private partial void LogUnmatchedResponse(string id);

    [LoggerMessage(8, LogLevel.Warning, "Shutdown timed out with {Count} requests still running; cancelling them.")]
    private partial void LogDrainTimedOut(int count);

    [LoggerMessage(10, LogLevel.Error, "A message from the peer could not be processed; it was answered with an internal error.")]
    private partial void LogFrameFailed(Exception exception);

    [LoggerMessage(11, LogLevel.Error, "The result of '{Method}' could not be written; the request was answered with an internal error.")]
    private partial void LogResultUnwritable(Exception exception, string method);
}
