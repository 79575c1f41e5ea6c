namespace Code.Deploy.Specs;

/// <summary>
/// Reads a <see cref="DeploymentSpec"/> from a JSON or YAML document (camelCase field names, as an Argo
/// Rollouts manifest; durations as <c>30s</c>, <c>5m</c>, <c>1h</c> or seconds) and validates it. Every
/// problem is reported at once with its path and its line and column: syntax errors, unknown fields (with a
/// "did you mean" when a known field is close), wrong types, and the rules of <see cref="IDeploymentSpecValidator"/>.
/// A hostile document (beyond <see cref="SpecLimits"/>, a YAML alias bomb, invalid UTF-8) gets an error, never a hang.
/// </summary>
public interface IDeploymentSpecReader
{
    /// <summary>Reads a spec from UTF-8 bytes.</summary>
    /// <param name="utf8">The document.</param>
    /// <param name="format">JSON or YAML.</param>
    /// <returns>The spec, or the problems.</returns>
    DeploymentSpecReadResult Read(ReadOnlySpan<byte> utf8, SpecFormat format);

    /// <summary>Reads a spec from text.</summary>
    /// <param name="text">The document.</param>
    /// <param name="format">JSON or YAML.</param>
    /// <returns>The spec, or the problems.</returns>
    DeploymentSpecReadResult Read(string text, SpecFormat format);

    /// <summary>Reads a spec from a stream, reading at most <see cref="SpecLimits.MaxDocumentBytes"/> bytes.</summary>
    /// <param name="stream">The document.</param>
    /// <param name="format">JSON or YAML.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The spec, or the problems.</returns>
    ValueTask<DeploymentSpecReadResult> ReadAsync(Stream stream, SpecFormat format, CancellationToken cancellationToken = default);
}

/// <summary>The formats a spec is read from.</summary>
public enum SpecFormat
{
    /// <summary>JSON (RFC 8259; comments and trailing commas are not allowed).</summary>
    Json,

    /// <summary>YAML 1.2 with the core schema, one document.</summary>
    Yaml,
}

/// <summary>The result of reading a spec: the spec when it is valid, otherwise every problem found.</summary>
public sealed record DeploymentSpecReadResult
{
    /// <summary>Gets the spec, or <see langword="null"/> when <see cref="Errors"/> is not empty.</summary>
    public DeploymentSpec? Spec { get; init; }

    /// <summary>Gets the problems, in document order; empty when the spec is valid.</summary>
    public IReadOnlyList<SpecError> Errors { get; init; } = [];

    /// <summary>Gets a value indicating whether the spec is valid.</summary>
    public bool IsValid => Spec is not null && Errors.Count == 0;

    /// <summary>Returns the spec, or throws with every problem.</summary>
    /// <returns>The spec.</returns>
    /// <exception cref="DeploymentSpecException">The spec is not valid.</exception>
    public DeploymentSpec GetSpecOrThrow() => IsValid ? Spec! : throw new DeploymentSpecException(Errors);
}

/// <summary>
/// Checks a <see cref="DeploymentSpec"/> built in code or read from a document: every field's bounds, the
/// rules between fields (exactly one strategy, analysis templates that exist, conditions that parse), and the
/// configuration of the plugins, providers and gates it names (against those registered with <c>AddDeploy</c>).
/// </summary>
public interface IDeploymentSpecValidator
{
    /// <summary>Checks a spec.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>Every problem found (at most <see cref="SpecLimits.MaxErrors"/>), each with its path; empty when the spec is valid.</returns>
    IReadOnlyList<SpecError> Validate(DeploymentSpec spec);
}
