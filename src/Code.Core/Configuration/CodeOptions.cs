using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration;

/// <summary>
/// Settings of a CODE host, in the layout of the design's <c>config.toml</c>: one section per
/// concern (<c>core</c>, <c>learning</c>, <c>memory</c>, <c>deploy_code</c>, <c>persistence</c>),
/// with the same snake_case keys whether they come from config.toml or appsettings.json.
/// </summary>
/// <remarks>Validated at start-up; an invalid value fails the host with the key's name and the reason.</remarks>
public sealed class CodeOptions
{
    /// <summary>The conventional configuration section name, <c>Code</c>.</summary>
    public const string SectionName = "Code";

    /// <summary>Gets the host's connection, buffer and threading settings (section <c>core</c>).</summary>
    [ConfigurationKeyName("core")]
    public CoreOptions Core { get; init; } = new();

    /// <summary>Gets the learning loop's settings (section <c>learning</c>).</summary>
    [ConfigurationKeyName("learning")]
    public LearningOptions Learning { get; init; } = new();

    /// <summary>Gets the memory and size limits (section <c>memory</c>).</summary>
    [ConfigurationKeyName("memory")]
    public MemoryOptions Memory { get; init; } = new();

    /// <summary>Gets the deployment engine's settings (section <c>deploy_code</c>).</summary>
    [ConfigurationKeyName("deploy_code")]
    public DeploymentOptions Deploy { get; init; } = new();

    /// <summary>Gets the durability, compression and store settings (section <c>persistence</c>).</summary>
    [ConfigurationKeyName("persistence")]
    public PersistenceOptions Persistence { get; init; } = new();
}
