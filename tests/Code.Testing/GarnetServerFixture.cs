using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Code.Testing;

/// <summary>
/// A real Redis-protocol server on loopback for tests: an in-process Garnet server (with Lua enabled)
/// on a free port, or, when the environment variable <c>CODE_TEST_REDIS</c> holds a StackExchange.Redis
/// configuration string (for example <c>localhost:6379</c>), that server instead.
/// </summary>
public sealed class GarnetServerFixture : IDisposable
{
    private readonly GarnetServer? _server;

    public GarnetServerFixture()
    {
        var external = Environment.GetEnvironmentVariable("CODE_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            Configuration = external;
            return;
        }

        var port = FreePort();
        _server = new GarnetServer(
        [
            "--bind", "127.0.0.1",
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--lua",
            "--memory", "64m",
            "--index", "8m",
        ]);
        _server.Start();
        Configuration = $"127.0.0.1:{port}";
    }

    /// <summary>Gets the StackExchange.Redis configuration string of the server.</summary>
    public string Configuration { get; }

    /// <summary>Gets a key prefix no other test uses, so tests can share the server.</summary>
    public static string UniquePrefix() => $"test-{Guid.NewGuid():N}";

    /// <inheritdoc />
    public void Dispose() => _server?.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
