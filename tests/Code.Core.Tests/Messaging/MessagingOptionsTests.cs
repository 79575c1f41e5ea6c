using Code.Core.Configuration;
using Code.Core.Messaging;
using Code.Core.Messaging.Envelope;
using Code.Core.Messaging.Routing;
using Code.Core.Messaging.Transports;

namespace Code.Core.Tests.Messaging;

public sealed class MessagingOptionsTests
{
    [Fact]
    public void Derived_from_code_options()
    {
        var code = new CodeOptions
        {
            Core = { MessageBufferSize = 65536, WorkerThreads = 3 },
            Memory = { MaxMessageSize = 4096 },
            Persistence = { CompressionThreshold = 2048, Compression = CompressionNames.None },
        };

        MessagingOptions options = MessagingOptions.FromCodeOptions(code);
        Assert.Equal(4096, options.MaxMessageSize);
        Assert.Equal(96, options.Normal.MaxConcurrency);
        Assert.All([options.Control, options.Normal, options.Background], lane => Assert.Equal(65536, lane.QueueCapacityBytes));
        Assert.Equal(BackPressurePolicy.Reject, options.Background.Policy);
        Assert.Equal(BackPressurePolicy.Wait, options.GetLane(MessageLane.Normal).Policy);

        MessageEnvelopeOptions envelope = MessageEnvelopeOptions.FromCodeOptions(code);
        Assert.Equal(4096, envelope.MaxMessageSize);
        Assert.Equal(2048, envelope.CompressionThreshold);
        Assert.False(envelope.Compress);
    }

    [Fact]
    public void Worker_threads_zero_means_the_processor_count()
    {
        MessagingOptions options = MessagingOptions.FromCodeOptions(new CodeOptions());
        Assert.Equal(Environment.ProcessorCount * 32, options.Normal.MaxConcurrency);
    }

    [Fact]
    public void Invalid_options_are_refused_naming_the_setting()
    {
        var (a, _) = MessageTransports.CreatePipePair();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new JsonRpcConnection(a, new JsonRpcRouter(), new MessagingOptions { Normal = { MaxConcurrency = 0 } }));
        Assert.Contains("Normal.MaxConcurrency", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => new JsonRpcConnection(a, new JsonRpcRouter(), new MessagingOptions { MaxMessageSize = 10 }));
        Assert.Contains("MaxMessageSize", error.Message, StringComparison.Ordinal);
    }
}
