using System.IO.Pipelines;
using System.Net.Sockets;

namespace Code.Core.Messaging.Transports;

/// <summary>
/// Creates the duplex pipes a <see cref="JsonRpcConnection"/> runs on: in-memory pipe pairs, standard input/output,
/// any duplex <see cref="Stream"/> or pair of streams, and Unix domain sockets (see also <see cref="UnixDomainSocketListener"/>).
/// </summary>
public static class MessageTransports
{
    private static readonly PipeOptions DefaultPipeOptions = new(
        pauseWriterThreshold: 2 * MessagingDefaults.MaxMessageSize,
        resumeWriterThreshold: MessagingDefaults.MaxMessageSize,
        useSynchronizationContext: false);

    /// <summary>
    /// Creates two connected in-memory endpoints: what one writes, the other reads. A connection consumes a message
    /// only once it is complete, so a pipe's pause threshold must exceed the largest message; by default writers pause
    /// at 2 MiB of unread bytes (twice the default <c>memory.max_message_size</c>) and resume at 1 MiB.
    /// </summary>
    /// <param name="options">Options of both pipes (thresholds, schedulers); <see langword="null"/> for the defaults above.</param>
    /// <returns>The two endpoints.</returns>
    public static (IDuplexPipe First, IDuplexPipe Second) CreatePipePair(PipeOptions? options = null)
    {
        options ??= DefaultPipeOptions;
        var forward = new Pipe(options);
        var backward = new Pipe(options);
        return (new DuplexPipe(backward.Reader, forward.Writer), new DuplexPipe(forward.Reader, backward.Writer));
    }

    /// <summary>Wraps a readable stream and a writable stream, such as a child process's standard output and input.</summary>
    /// <param name="input">The stream messages are read from.</param>
    /// <param name="output">The stream messages are written to.</param>
    /// <param name="leaveOpen"><see langword="true"/> to keep the streams open when the pipe completes.</param>
    /// <returns>The duplex pipe.</returns>
    public static IDuplexPipe FromStreams(Stream input, Stream output, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        return new DuplexPipe(
            PipeReader.Create(input, new StreamPipeReaderOptions(leaveOpen: leaveOpen)),
            PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: leaveOpen)));
    }

    /// <summary>Wraps one duplex stream (a socket's <see cref="NetworkStream"/>, an SSL stream, a named pipe).</summary>
    /// <param name="stream">A readable and writable stream.</param>
    /// <param name="leaveOpen"><see langword="true"/> to keep the stream open when the pipe completes.</param>
    /// <returns>The duplex pipe.</returns>
    public static IDuplexPipe FromStream(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanWrite)
        {
            throw new ArgumentException("The stream must be both readable and writable.", nameof(stream));
        }

        return FromStreams(stream, stream, leaveOpen);
    }

    /// <summary>Uses this process's standard input and output, as an MCP server launched over stdio.</summary>
    /// <returns>The duplex pipe.</returns>
    public static IDuplexPipe Stdio() => FromStreams(Console.OpenStandardInput(), Console.OpenStandardOutput());

    /// <summary>Connects to a Unix domain socket.</summary>
    /// <param name="path">The socket's file path.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>The duplex pipe; completing both its ends closes the socket.</returns>
    public static async Task<IDuplexPipe> ConnectUnixSocketAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return FromStream(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
