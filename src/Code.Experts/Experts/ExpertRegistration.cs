using Microsoft.Extensions.AI;

namespace Code.Experts.Experts;

/// <summary>One expert as registered by the experts builder; resolved into an <see cref="Expert"/> when the circle is built.</summary>
internal sealed class ExpertRegistration(string name, ChatExpertOptions options, Func<IServiceProvider, IChatClient> clientFactory)
{
    public string Name { get; } = name;

    public ChatExpertOptions Options { get; } = options;

    public Func<IServiceProvider, IChatClient> ClientFactory { get; } = clientFactory;
}
