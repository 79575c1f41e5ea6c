using System.Buffers;
using System.Text;

namespace Code.Deploy.Specs.Reading;

/// <summary>Parses (JSON or YAML), binds and validates a spec; every error carries the line and column of its field.</summary>
internal sealed class DeploymentSpecReader(IDeploymentSpecValidator validator) : IDeploymentSpecReader
{
    public DeploymentSpecReadResult Read(string text, SpecFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetMaxByteCount(text.Length) > SpecLimits.MaxDocumentBytes && Encoding.UTF8.GetByteCount(text) > SpecLimits.MaxDocumentBytes)
        {
            return Failed(new SpecError(string.Empty, $"the document is more than the limit of {SpecLimits.MaxDocumentBytes} bytes"));
        }

        return Read(Encoding.UTF8.GetBytes(text), format);
    }

    public DeploymentSpecReadResult Read(ReadOnlySpan<byte> utf8, SpecFormat format)
    {
        SpecNode root;
        try
        {
            root = format switch
            {
                SpecFormat.Json => JsonSpecParser.Parse(utf8),
                SpecFormat.Yaml => YamlSpecParser.Parse(utf8),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Use SpecFormat.Json or SpecFormat.Yaml."),
            };
        }
        catch (SpecSyntaxException ex)
        {
            return Failed(ex.Error);
        }

        var context = new SpecReadContext();
        var spec = DeploymentSpecBinder.Bind(root, context);
        var problems = validator.Validate(spec);
        if (problems.Count == 0 && context.Errors.Count == 0)
        {
            return new DeploymentSpecReadResult { Spec = spec };
        }

        // A field that could not be read keeps its default, so the validator may complain about it, or about the
        // fields around it, again: the read error stands for them.
        var unreadable = context.Errors.Select(e => e.Path).Where(p => p.Length > 0).ToList();
        var errors = new List<SpecError>(context.Errors);
        errors.AddRange(problems
            .Where(p => p.Path.Length == 0 || !unreadable.Any(u => Related(p.Path, u)))
            .Select(p => Locate(p, context.Positions)));
        return new DeploymentSpecReadResult { Errors = Sort(errors.Take(SpecLimits.MaxErrors + 1).ToList()) };
    }

    public async ValueTask<DeploymentSpecReadResult> ReadAsync(Stream stream, SpecFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var document = new MemoryStream();
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (document.Length + read > SpecLimits.MaxDocumentBytes)
                {
                    return Failed(new SpecError(string.Empty, $"the document is more than the limit of {SpecLimits.MaxDocumentBytes} bytes"));
                }

                document.Write(buffer, 0, read);
            }

            return Read(document.GetBuffer().AsSpan(0, (int)document.Length), format);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Whether one path is the other, or lies inside it.</summary>
    private static bool Related(string a, string b) => a == b || Inside(a, b) || Inside(b, a);

    private static bool Inside(string path, string parent) =>
        path.Length > parent.Length && path.StartsWith(parent, StringComparison.Ordinal) && path[parent.Length] is '.' or '[';

    private static DeploymentSpecReadResult Failed(SpecError error) => new() { Errors = [error] };

    /// <summary>Gives a validation error the position of its field, or of the nearest enclosing field that was written.</summary>
    private static SpecError Locate(SpecError error, Dictionary<string, (int Line, int Column)> positions)
    {
        var path = error.Path;
        while (path.Length > 0)
        {
            if (positions.TryGetValue(path, out var position))
            {
                return error with { Line = position.Line, Column = position.Column };
            }

            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut <= 0 ? string.Empty : path[..cut];
        }

        return error;
    }

    private static List<SpecError> Sort(List<SpecError> errors) =>
        [.. errors.Select((e, i) => (e, i)).OrderBy(x => x.e.Line ?? int.MaxValue).ThenBy(x => x.e.Column ?? 0).ThenBy(x => x.i).Select(x => x.e)];
}
