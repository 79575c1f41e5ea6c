using System.Text;
using System.Text.Json;

namespace Code.Deploy.Specs.Reading;

/// <summary>Parses a JSON document into <see cref="SpecNode"/>s with positions, within <see cref="SpecLimits"/>.</summary>
internal static class JsonSpecParser
{
    public static SpecNode Parse(ReadOnlySpan<byte> utf8)
    {
        utf8 = Utf8Document.Check(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = SpecLimits.MaxDepth + 2,
        });

        var cursor = new PositionCursor(utf8);
        var stack = new Stack<SpecNode>();
        SpecNode? pendingKey = null;
        SpecNode? root = null;
        var nodes = 0;
        try
        {
            while (reader.Read())
            {
                var (line, column) = cursor.MoveTo(reader.TokenStartIndex);
                SpecNode? value = null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (stack.Count >= SpecLimits.MaxDepth)
                        {
                            throw Error($"the document is nested more than {SpecLimits.MaxDepth} levels deep", line, column);
                        }

                        var container = reader.TokenType == JsonTokenType.StartObject ? SpecNode.Mapping(line, column) : SpecNode.Sequence(line, column);
                        Count(ref nodes, line, column);
                        Attach(stack, ref pendingKey, container, ref root);
                        pendingKey = null;
                        stack.Push(container);
                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        continue;
                    case JsonTokenType.PropertyName:
                        pendingKey = SpecNode.Scalar(reader.GetString()!, ScalarType.String, line, column);
                        CheckLength(pendingKey.Text, line, column);
                        continue;
                    case JsonTokenType.String:
                        value = SpecNode.Scalar(reader.GetString()!, ScalarType.String, line, column);
                        CheckLength(value.Text, line, column);
                        break;
                    case JsonTokenType.Number:
                        value = SpecNode.Scalar(Encoding.UTF8.GetString(reader.ValueSpan), ScalarType.Number, line, column);
                        CheckLength(value.Text, line, column);
                        break;
                    case JsonTokenType.True:
                        value = SpecNode.Scalar("true", ScalarType.Boolean, line, column);
                        break;
                    case JsonTokenType.False:
                        value = SpecNode.Scalar("false", ScalarType.Boolean, line, column);
                        break;
                    case JsonTokenType.Null:
                        value = SpecNode.Scalar("null", ScalarType.Null, line, column);
                        break;
                    default:
                        continue;
                }

                Count(ref nodes, line, column);
                Attach(stack, ref pendingKey, value, ref root);
            }
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
            throw Error("JSON syntax error: " + message, line, column);
        }

        return root ?? throw Error("the document is empty", 1, 1);
    }

    private static void Attach(Stack<SpecNode> stack, ref SpecNode? pendingKey, SpecNode value, ref SpecNode? root)
    {
        if (stack.Count == 0)
        {
            root = value;
            return;
        }

        var parent = stack.Peek();
        if (parent.Kind == SpecNodeKind.Mapping)
        {
            parent.Entries.Add(KeyValuePair.Create(pendingKey!, value));
            pendingKey = null;
        }
        else
        {
            parent.Items.Add(value);
        }
    }

    private static void Count(ref int nodes, int line, int column)
    {
        if (++nodes > SpecLimits.MaxNodes)
        {
            throw Error($"the document has more than {SpecLimits.MaxNodes} values", line, column);
        }
    }

    private static void CheckLength(string text, int line, int column)
    {
        if (text.Length > SpecLimits.MaxStringLength)
        {
            throw Error($"a value is {text.Length} characters long, more than the limit of {SpecLimits.MaxStringLength}", line, column);
        }
    }

    private static SpecSyntaxException Error(string message, int line, int column) =>
        new(new SpecError(string.Empty, message) { Line = line, Column = column });
}
