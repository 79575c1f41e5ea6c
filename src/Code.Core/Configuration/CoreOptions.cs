using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration;

/// <summary>Connection, buffer and threading settings of a CODE host (config.toml section <c>core</c>).</summary>
public sealed class CoreOptions
{
    /// <summary>Gets or sets the directory under which CODE keeps its data (state store, logs, checkpoints, audit).</summary>
    /// <value>The default value is <c>./.code</c>.</value>
    [ConfigurationKeyName("data_dir")]
    public string DataDirectory { get; set; } = CodeDefaults.DataDirectory;

    /// <summary>Gets or sets the maximum number of concurrent client connections.</summary>
    /// <value>The default value is 10000; allowed 1 to 1000000.</value>
    [ConfigurationKeyName("max_connections")]
    public int MaxConnections { get; set; } = CodeDefaults.MaxConnections;

    /// <summary>Gets or sets the size in bytes of the message buffers that bound each connection's queues.</summary>
    /// <value>The default value is 1048576 (1 MiB); allowed 4096 to 1073741824.</value>
    [ConfigurationKeyName("message_buffer_size")]
    public int MessageBufferSize { get; set; } = CodeDefaults.MessageBufferSize;

    /// <summary>Gets or sets the number of worker threads that run handlers; 0 uses the processor count.</summary>
    /// <value>The default value is 0; allowed 0 to 1024.</value>
    [ConfigurationKeyName("worker_threads")]
    public int WorkerThreads { get; set; }

    /// <summary>Gets or sets the address the host's network endpoints listen on.</summary>
    /// <value>The default value is <c>127.0.0.1</c>; must be an IP address.</value>
    [ConfigurationKeyName("listen_address")]
    public string ListenAddress { get; set; } = CodeDefaults.ListenAddress;

    /// <summary>Gets or sets the TCP port of the host's network endpoint (MCP over HTTP, host-to-host traffic).</summary>
    /// <value>The default value is 8080; allowed 1 to 65535.</value>
    [ConfigurationKeyName("port")]
    public int Port { get; set; } = CodeDefaults.Port;
}
