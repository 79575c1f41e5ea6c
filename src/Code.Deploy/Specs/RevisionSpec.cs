namespace Code.Deploy.Specs;

/// <summary>
/// One revision of an application: what runs (an executable with arguments, or a container image) and its
/// environment. A local-process target runs <see cref="Command"/>; a Kubernetes target runs <see cref="Image"/>
/// (with <see cref="Command"/> and <see cref="Args"/> as the container's entrypoint and arguments).
/// </summary>
public sealed record RevisionSpec
{
    /// <summary>Gets the revision's name, unique per application (for example <c>v2</c> or a build id): 1 to 63 letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    /// <value>The default value is empty, which is invalid.</value>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets what is deployed, for a person or an agent reading the history (a package id, a path, an image digest), or <see langword="null"/>.</summary>
    public string? Artifact { get; init; }

    /// <summary>Gets the artifact's version, or <see langword="null"/>.</summary>
    public string? Version { get; init; }

    /// <summary>Gets the container image, or <see langword="null"/>; one of <see cref="Image"/> and <see cref="Command"/> is required.</summary>
    public string? Image { get; init; }

    /// <summary>Gets the executable and its leading arguments (Kubernetes' <c>command</c>); never run through a shell.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Gets the arguments that follow <see cref="Command"/> (Kubernetes' <c>args</c>).</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Gets the environment variables, with unique names.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<EnvVarSpec> Env { get; init; } = [];

    /// <summary>Gets the working directory of each instance, or <see langword="null"/> for the target's default.</summary>
    public string? WorkingDir { get; init; }
}

/// <summary>An environment variable of a revision (Kubernetes' <c>env</c> item).</summary>
/// <param name="Name">The name: letters, digits, '_', '-' and '.', not starting with a digit.</param>
/// <param name="Value">The value (may be empty).</param>
public sealed record EnvVarSpec(string Name, string Value);
