using System.Globalization;
using Code.Deploy.Analysis;

namespace Code.Deploy.Specs.Validation;

/// <summary>The problems found by the validator, with the checks it repeats.</summary>
internal sealed class Errors
{
    public List<SpecError> List { get; } = [];

    public void Add(string path, string message)
    {
        if (List.Count < SpecLimits.MaxErrors)
        {
            List.Add(new SpecError(path, message));
        }
        else if (List.Count == SpecLimits.MaxErrors)
        {
            List.Add(new SpecError(string.Empty, $"more than {SpecLimits.MaxErrors} problems; the rest are not listed"));
        }
    }

    public void AddRelative(string prefix, IReadOnlyList<SpecError>? errors)
    {
        foreach (var error in errors ?? [])
        {
            Add(error.Path.Length == 0 ? prefix : prefix + "." + error.Path, error.Message);
        }
    }

    public void Range(string path, long value, long min, long max, string? what = null)
    {
        if (value < min || value > max)
        {
            Add(path, string.Create(CultureInfo.InvariantCulture, $"must be {(what is null ? string.Empty : what + " ")}{min}..{max}, got {value}"));
        }
    }

    public void Count(string path, int count, int max)
    {
        if (count > max)
        {
            Add(path, $"has {count} items, more than the limit of {max}");
        }
    }

    public void Name(string path, string? name, HashSet<string> seen)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Add(path, "is required");
        }
        else if (name.Length > 253 || name.Any(char.IsControl))
        {
            Add(path, "must be at most 253 characters without control characters");
        }
        else if (!seen.Add(name))
        {
            Add(path, $"'{name}' is used more than once");
        }
    }

    public void Url(string path, string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            Add(path, "is required");
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Add(path, $"must be an absolute http or https URL, got '{Shorten(url)}'");
        }
    }

    public void Duration(string path, TimeSpan? duration, TimeSpan min, TimeSpan max)
    {
        if (duration is { } value && (value < min || value > max))
        {
            Add(path, $"must be {Reading.DurationFormat.Format(min)}..{Reading.DurationFormat.Format(max)}, got {Reading.DurationFormat.Format(value < TimeSpan.Zero ? TimeSpan.Zero : value)}{(value < TimeSpan.Zero ? " (negative)" : string.Empty)}");
        }
    }

    public void Length(string path, string? text, int max = SpecLimits.MaxStringLength)
    {
        if (text is not null && text.Length > max)
        {
            Add(path, $"is {text.Length} characters long, more than the limit of {max}");
        }
    }

    public void Headers(string path, IReadOnlyList<HeaderSpec> headers)
    {
        Count(path, headers.Count, SpecLimits.MaxListItems);
        for (var i = 0; i < headers.Count; i++)
        {
            if (!IsToken(headers[i].Key))
            {
                Add($"{path}[{i}].key", $"'{Shorten(headers[i].Key)}' is not a valid HTTP header name");
            }

            if (headers[i].Value.Any(c => c is '\r' or '\n' or '\0'))
            {
                Add($"{path}[{i}].value", "must not contain CR, LF or NUL");
            }
        }
    }

    /// <summary>An HTTP token (RFC 9110): the characters allowed in a header name.</summary>
    public static bool IsToken(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= 256 && text.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
