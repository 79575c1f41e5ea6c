using System.IO.Pipelines;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;
using Code.Core.Messaging.Transports;
using Code.Testing;

namespace Code.Core.Tests.Messaging.Transports;

public sealed class MessageTransportsTests
{
    [Fact]
    public async Task Unix_domain_socket_carries_requests_both_ways()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "code.sock");
        await using var listener = UnixDomainSocketListener.Bind(path, maxConnections: 4);
        using var stop = new CancellationTokenSource();
        Task serving = listener.ServeAsync(async (pipe, token) =>
        {
            await using var connection = new JsonRpcConnection(pipe, TestRoutes.Create());
            connection.Start();
            await connection.Completion;
        }, stop.Token);

        for (int c = 0; c < 2; c++)
        {
            IDuplexPipe pipe = await MessageTransports.ConnectUnixSocketAsync(path);
            await using var client = new JsonRpcConnection(pipe, new JsonRpcRouter());
            client.Start();
            using JsonRpcResponse response = await client.SendRequestAsync("add", new AddParams(c, 40), TestJsonContext.Default.AddParams, CancellationToken.None);
            Assert.Equal(40 + c, response.Deserialize(TestJsonContext.Default.Int64));
            await client.ShutdownAsync();
        }

        await stop.CancelAsync();
        await serving.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Stream_pair_transport_works_like_a_child_process_stdio()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        await using var server = new JsonRpcConnection(MessageTransports.FromStreams(toServer.Reader.AsStream(), toClient.Writer.AsStream()), TestRoutes.Create());
        await using var client = new JsonRpcConnection(MessageTransports.FromStreams(toClient.Reader.AsStream(), toServer.Writer.AsStream()), new JsonRpcRouter());
        server.Start();
        client.Start();
        using JsonRpcResponse response = await client.SendRequestAsync("add", new AddParams(1, 2), TestJsonContext.Default.AddParams, CancellationToken.None);
        Assert.Equal(3, response.Deserialize(TestJsonContext.Default.Int64));
    }

    [Fact]
    public void Half_duplex_stream_is_refused()
    {
        using var readOnly = new MemoryStream([], writable: false);
        Assert.Throws<ArgumentException>(() => MessageTransports.FromStream(readOnly));
    }
}
