using System.Globalization;

namespace Code.Deploy.Specs;

/// <summary>
/// One problem of a spec: where it is (<see cref="Path"/>, for example <c>strategy.canary.steps[2].setWeight</c>,
/// and the line and column when the spec was read from a document) and what is wrong.
/// </summary>
/// <param name="Path">The field's path in camelCase with list indexes, or empty for the document as a whole.</param>
/// <param name="Message">What is wrong, for example <c>must be 0..100, got 140</c>.</param>
public sealed record SpecError(string Path, string Message)
{
    /// <summary>Gets the 1-based line in the document, or <see langword="null"/> when unknown.</summary>
    public int? Line { get; init; }

    /// <summary>Gets the 1-based column in the document, or <see langword="null"/> when unknown.</summary>
    public int? Column { get; init; }

    /// <summary>Formats the problem as <c>path: message (line L, column C)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = Path.Length == 0 ? Message : Path + ": " + Message;
        return Line is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"{text} (line {line}, column {Column ?? 1})")
            : text;
    }
}

/// <summary>Thrown when a spec is not valid; <see cref="Errors"/> holds every problem found.</summary>
public sealed class DeploymentSpecException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DeploymentSpecException"/> class.</summary>
    /// <param name="errors">The problems, at least one.</param>
    public DeploymentSpecException(IReadOnlyList<SpecError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentSpecException"/> class.</summary>
    public DeploymentSpecException()
        : this([new SpecError(string.Empty, "the spec is not valid")])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentSpecException"/> class.</summary>
    /// <param name="message">The problem.</param>
    public DeploymentSpecException(string message)
        : this([new SpecError(string.Empty, message)])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentSpecException"/> class.</summary>
    /// <param name="message">The problem.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new SpecError(string.Empty, message)];
    }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Format(IReadOnlyList<SpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count switch
        {
            0 => "The deployment spec is not valid.",
            1 => "The deployment spec is not valid: " + errors[0],
            _ => $"The deployment spec has {errors.Count} problems:" + Environment.NewLine
                + string.Join(Environment.NewLine, errors.Select(e => "  " + e)),
        };
    }
}
