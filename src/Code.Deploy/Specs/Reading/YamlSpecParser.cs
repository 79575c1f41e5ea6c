using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Code.Deploy.Specs.Reading;

/// <summary>
/// Parses one YAML document into <see cref="SpecNode"/>s with positions, within <see cref="SpecLimits"/>.
/// Plain scalars are typed by the YAML 1.2 core schema; quoted ones are strings. An alias is a shared
/// reference to its (finished) anchor, and counts as a copy of it towards <see cref="SpecLimits.MaxNodes"/>,
/// so an alias bomb is refused after a few thousand events instead of expanding.
/// </summary>
internal static partial class YamlSpecParser
{
    public static SpecNode Parse(ReadOnlySpan<byte> utf8)
    {
        utf8 = Utf8Document.Check(utf8);
        var text = Utf8Document.Decode(utf8);
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<Open>();
        var anchors = new Dictionary<string, (SpecNode Node, long Size)>(StringComparer.Ordinal);
        SpecNode? root = null;
        long total = 0;
        var documents = 0;
        (int Line, int Column) last = (1, 1);
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                var line = (int)current.Start.Line;
                var column = (int)current.Start.Column;
                last = (line, column);
                switch (current)
                {
                    case DocumentStart:
                        if (++documents > 1)
                        {
                            throw Error("the stream holds more than one YAML document; a spec is one document", line, column);
                        }

                        break;
                    case MappingStart or SequenceStart:
                        var start = (NodeEvent)current;
                        CheckTag(start.Tag, current is MappingStart ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq", line, column);
                        if (stack.Count >= SpecLimits.MaxDepth)
                        {
                            throw Error($"the document is nested more than {SpecLimits.MaxDepth} levels deep", line, column);
                        }

                        var container = current is MappingStart ? SpecNode.Mapping(line, column) : SpecNode.Sequence(line, column);
                        Count(ref total, 1, line, column);
                        stack.Push(new Open(container, start.Anchor.IsEmpty ? null : start.Anchor.Value));
                        break;
                    case MappingEnd or SequenceEnd:
                        var done = stack.Pop();
                        if (done.Node.Kind == SpecNodeKind.Mapping && done.PendingKey is not null)
                        {
                            throw Error("a mapping key has no value", line, column);
                        }

                        Finish(done.Node, done.Size, done.Anchor, stack, anchors, ref root, line, column);
                        break;
                    case Scalar scalar:
                        Count(ref total, 1, line, column);
                        if (scalar.Value.Length > SpecLimits.MaxStringLength)
                        {
                            throw Error($"a value is {scalar.Value.Length} characters long, more than the limit of {SpecLimits.MaxStringLength}", line, column);
                        }

                        var node = SpecNode.Scalar(scalar.Value, Resolve(scalar, line, column), line, column);
                        Finish(node, 1, scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value, stack, anchors, ref root, line, column);
                        break;
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
                        {
                            throw Error($"the alias *{alias.Value.Value} refers to no finished anchor &{alias.Value.Value}", line, column);
                        }

                        Count(ref total, anchored.Size, line, column);
                        Finish(anchored.Node, anchored.Size, null, stack, anchors, ref root, line, column);
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            message = cut >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(cut + 3)..] : message;
            throw Error("YAML syntax error: " + message.TrimEnd('.'), (int)ex.Start.Line, (int)ex.Start.Column);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner fails on some malformed input with an exception that is not a YamlException
            // (an unclosed flow sequence followed by a block mapping): it is still a syntax error, after the last value read.
            throw Error($"YAML syntax error: the document cannot be read after line {last.Line}, column {last.Column} (an unclosed bracket or quote?)", last.Line, last.Column);
        }

        return root ?? throw Error("the document is empty", 1, 1);
    }

    private static void Finish(SpecNode node, long size, string? anchor, Stack<Open> stack, Dictionary<string, (SpecNode, long)> anchors, ref SpecNode? root, int line, int column)
    {
        if (anchor is not null)
        {
            anchors[anchor] = (node, size);
        }

        if (stack.Count == 0)
        {
            root = node;
            return;
        }

        var parent = stack.Peek();
        parent.Size += size;
        if (parent.Node.Kind == SpecNodeKind.Sequence)
        {
            parent.Node.Items.Add(node);
        }
        else if (parent.PendingKey is null)
        {
            if (node.Kind != SpecNodeKind.Scalar)
            {
                throw Error("a mapping key must be a string, not " + node.Describe(), line, column);
            }

            if (node.Text == "<<" && node.ScalarType == ScalarType.String)
            {
                throw Error("YAML merge keys (<<) are not supported in a spec", line, column);
            }

            parent.PendingKey = node;
        }
        else
        {
            parent.Node.Entries.Add(KeyValuePair.Create(parent.PendingKey, node));
            parent.PendingKey = null;
        }
    }

    private static ScalarType Resolve(Scalar scalar, int line, int column)
    {
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific)
        {
            return scalar.Tag.Value switch
            {
                "tag:yaml.org,2002:str" => ScalarType.String,
                "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" when NumberPattern().IsMatch(scalar.Value) => ScalarType.Number,
                "tag:yaml.org,2002:bool" when BooleanPattern().IsMatch(scalar.Value) => ScalarType.Boolean,
                "tag:yaml.org,2002:null" => ScalarType.Null,
                _ => throw Error($"the tag {scalar.Tag.Value} is not supported (or does not fit the value)", line, column),
            };
        }

        if (scalar.Style != ScalarStyle.Plain)
        {
            return ScalarType.String;
        }

        var value = scalar.Value;
        if (value.Length == 0 || value is "~" or "null" or "Null" or "NULL")
        {
            return ScalarType.Null;
        }

        if (BooleanPattern().IsMatch(value))
        {
            return ScalarType.Boolean;
        }

        return NumberPattern().IsMatch(value) ? ScalarType.Number : ScalarType.String;
    }

    private static void CheckTag(TagName tag, string allowed, int line, int column)
    {
        if (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value != allowed)
        {
            throw Error($"the tag {tag.Value} is not supported", line, column);
        }
    }

    private static void Count(ref long total, long add, int line, int column)
    {
        total += add;
        if (total > SpecLimits.MaxNodes)
        {
            throw Error($"the document has more than {SpecLimits.MaxNodes} values once YAML aliases are expanded", line, column);
        }
    }

    private static SpecSyntaxException Error(string message, int line, int column) =>
        new(new SpecError(string.Empty, message) { Line = line, Column = column });

    /// <summary>YAML 1.2 core schema integers and floats (decimal, 0o octal, 0x hex, .inf, .nan).</summary>
    [GeneratedRegex(@"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    [GeneratedRegex("^(?:true|True|TRUE|false|False|FALSE)$", RegexOptions.CultureInvariant)]
    private static partial Regex BooleanPattern();

    private sealed class Open(SpecNode node, string? anchor)
    {
        public SpecNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public long Size { get; set; } = 1;

        public SpecNode? PendingKey { get; set; }
    }

    internal static double? ToDouble(string text)
    {
        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            return Convert.ToInt64(text[2..], 8);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        }

        return text.TrimStart('+', '-') switch
        {
            ".inf" or ".Inf" or ".INF" => text.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity,
            ".nan" or ".NaN" or ".NAN" => double.NaN,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        };
    }
}
