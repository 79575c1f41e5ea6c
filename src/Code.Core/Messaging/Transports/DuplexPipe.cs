using System.IO.Pipelines;

namespace Code.Core.Messaging.Transports;

/// <summary>A reader and a writer paired as one <see cref="IDuplexPipe"/>.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
