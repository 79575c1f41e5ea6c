using Microsoft.Extensions.AI;

namespace Code.Experts.Experts;

/// <summary>A member of the circle: a chat client with a name, a role prompt, a weight and a timeout.</summary>
internal sealed class Expert(string name, IChatClient client, ChatExpertOptions options, TimeSpan timeout)
{
    public string Name { get; } = name;

    public ChatExpertOptions Options { get; } = options;

    public IChatClient Client { get; } = client;

    public string? RolePrompt { get; } = options.RolePrompt;

    public double Weight { get; } = options.Weight;

    public string? ModelId { get; } = options.ModelId;

    public float? Temperature { get; } = options.Temperature;

    public bool UseJsonSchema { get; } = options.UseJsonSchema;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>
    /// Gets the model the expert's calls are priced by: the configured <see cref="ModelId"/>, else the client's default
    /// model; <see langword="null"/> when neither is known (the reply's model id is used then).
    /// </summary>
    public string? PricedModelId { get; } = options.ModelId ?? client.GetService<ChatClientMetadata>()?.DefaultModelId;
}
