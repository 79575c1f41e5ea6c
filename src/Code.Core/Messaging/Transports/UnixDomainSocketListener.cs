using System.IO.Pipelines;
using System.Net.Sockets;

namespace Code.Core.Messaging.Transports;

/// <summary>
/// Listens on a Unix domain socket and hands each accepted connection to a handler as an <see cref="IDuplexPipe"/>,
/// holding at most <c>core.max_connections</c> connections at once (further clients wait in the backlog).
/// </summary>
public sealed class UnixDomainSocketListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SemaphoreSlim _slots;
    private int _disposed;

    private UnixDomainSocketListener(Socket socket, string path, int maxConnections)
    {
        _socket = socket;
        Path = path;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
    }

    /// <summary>Gets the socket's file path.</summary>
    public string Path { get; }

    /// <summary>Binds and starts listening; an existing file at <paramref name="path"/> is replaced.</summary>
    /// <param name="path">The socket's file path.</param>
    /// <param name="maxConnections">The most connections served at once (<c>core.max_connections</c>).</param>
    /// <returns>The listener.</returns>
    public static UnixDomainSocketListener Bind(string path, int maxConnections)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(Math.Min(maxConnections, 512));
            return new UnixDomainSocketListener(socket, path, maxConnections);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Accepts connections until cancelled, running <paramref name="handler"/> for each; when a handler's task ends,
    /// its socket is closed and its slot freed.
    /// </summary>
    /// <param name="handler">Serves one connection, for example by running a <see cref="JsonRpcConnection"/> to completion.</param>
    /// <param name="cancellationToken">Stops accepting; running handlers receive it too.</param>
    /// <returns>A task that completes when accepting stops and every handler has finished.</returns>
    public async Task ServeAsync(Func<IDuplexPipe, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var running = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                Socket client;
                try
                {
                    client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    _slots.Release();
                    throw;
                }

                running.RemoveAll(t => t.IsCompleted);
                running.Add(ServeOneAsync(client, handler, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>Stops listening and deletes the socket file.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            _slots.Dispose();
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
                // Already gone.
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task ServeOneAsync(Socket client, Func<IDuplexPipe, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            await handler(MessageTransports.FromStream(stream, leaveOpen: true), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (Volatile.Read(ref _disposed) == 0)
            {
                _slots.Release();
            }
        }
    }
}
