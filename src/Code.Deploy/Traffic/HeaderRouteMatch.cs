namespace Code.Deploy.Traffic;

/// <summary>A header condition of a header route.</summary>
public sealed record HeaderRouteMatch
{
    /// <summary>Gets the header's name (an HTTP token, compared without case).</summary>
    public string HeaderName { get; init; } = string.Empty;

    /// <summary>Gets how the header's value must match.</summary>
    public StringMatch HeaderValue { get; init; } = new();
}

/// <summary>How a string must match: exactly one of <see cref="Exact"/>, <see cref="Prefix"/> and <see cref="Regex"/>.</summary>
public sealed record StringMatch
{
    /// <summary>Gets the exact value.</summary>
    public string? Exact { get; init; }

    /// <summary>Gets the prefix.</summary>
    public string? Prefix { get; init; }

    /// <summary>
    /// Gets a .NET regular expression the value must match (anchor it with <c>^...$</c> to match the whole value), at most
    /// 1024 characters; validation checks that it compiles. A router should match it with a timeout or
    /// <c>RegexOptions.NonBacktracking</c>, since the pattern comes from the spec.
    /// </summary>
    public string? Regex { get; init; }
}
