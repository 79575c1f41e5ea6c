namespace Code.Deploy.Specs.Reading;

/// <summary>A node of a parsed spec document, JSON or YAML alike, with its position (1-based).</summary>
internal sealed class SpecNode
{
    private SpecNode(SpecNodeKind kind, int line, int column)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public SpecNodeKind Kind { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>Gets a scalar's text as written (a number's digits, a string's value).</summary>
    public string Text { get; private init; } = string.Empty;

    public ScalarType ScalarType { get; private init; }

    /// <summary>Gets a mapping's entries in document order (keys are scalar nodes).</summary>
    public List<KeyValuePair<SpecNode, SpecNode>> Entries { get; } = [];

    /// <summary>Gets a sequence's items.</summary>
    public List<SpecNode> Items { get; } = [];

    public bool IsNull => Kind == SpecNodeKind.Scalar && ScalarType == ScalarType.Null;

    public static SpecNode Mapping(int line, int column) => new(SpecNodeKind.Mapping, line, column);

    public static SpecNode Sequence(int line, int column) => new(SpecNodeKind.Sequence, line, column);

    public static SpecNode Scalar(string text, ScalarType type, int line, int column) =>
        new(SpecNodeKind.Scalar, line, column) { Text = text, ScalarType = type };

    public string Describe() => Kind switch
    {
        SpecNodeKind.Mapping => "a mapping",
        SpecNodeKind.Sequence => "a list",
        _ => ScalarType switch
        {
            ScalarType.Number => $"the number {Text}",
            ScalarType.Boolean => $"the boolean {Text}",
            ScalarType.Null => "null",
            _ => $"the string \"{Shorten(Text)}\"",
        },
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

internal enum SpecNodeKind
{
    Mapping,
    Sequence,
    Scalar,
}

internal enum ScalarType
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>A document that could not be parsed: its errors carry line and column.</summary>
internal sealed class SpecSyntaxException(SpecError error) : Exception(error.ToString())
{
    public SpecError Error { get; } = error;
}
