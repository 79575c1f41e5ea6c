namespace Code.Deploy.Analysis.Conditions;

/// <summary>
/// A recursive-descent parser of conditions, with bounded nesting. Precedence, lowest first:
/// <c>||</c>/<c>or</c>, <c>&amp;&amp;</c>/<c>and</c>, <c>== !=</c>, <c>&lt; &lt;= &gt; &gt;=</c>, <c>+ -</c>,
/// <c>* / %</c>, unary <c>! not -</c>, then <c>.name</c>, <c>[index]</c> and calls.
/// </summary>
internal sealed class ConditionParser
{
    public const int MaxDepth = 64;

    internal static readonly IReadOnlyDictionary<string, (int Min, int Max)> Functions = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["len"] = (1, 1),
        ["isNaN"] = (1, 1),
        ["isInf"] = (1, 1),
        ["default"] = (2, 2),
        ["abs"] = (1, 1),
        ["min"] = (1, 16),
        ["max"] = (1, 16),
        ["sum"] = (1, 1),
        ["avg"] = (1, 1),
    };

    private readonly List<Token> tokens;
    private int position;
    private int depth;

    private ConditionParser(List<Token> tokens) => this.tokens = tokens;

    private Token Current => tokens[position];

    public static ConditionNode Parse(string text)
    {
        var parser = new ConditionParser(ConditionLexer.Tokenize(text));
        if (parser.Current.Kind == TokenKind.End)
        {
            throw new ConditionSyntaxException(0, "the condition is empty");
        }

        var node = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw new ConditionSyntaxException(parser.Current.Start, $"unexpected '{parser.Current.Text}' after a complete expression");
        }

        return node;
    }

    private ConditionNode ParseOr()
    {
        var left = ParseAnd();
        var chain = 0;
        while (IsSymbol("||") || IsWord("or"))
        {
            Enter();
            chain++;
            position++;
            var right = ParseAnd();
            left = new BinaryNode("||", left, right, left.Start, right.End);
        }

        depth -= chain;
        return left;
    }

    private ConditionNode ParseAnd()
    {
        var left = ParseEquality();
        var chain = 0;
        while (IsSymbol("&&") || IsWord("and"))
        {
            Enter();
            chain++;
            position++;
            var right = ParseEquality();
            left = new BinaryNode("&&", left, right, left.Start, right.End);
        }

        depth -= chain;
        return left;
    }

    private ConditionNode ParseEquality() => ParseLeft(ParseComparison, "==", "!=");

    private ConditionNode ParseComparison() => ParseLeft(ParseAdditive, "<", "<=", ">", ">=");

    private ConditionNode ParseAdditive() => ParseLeft(ParseMultiplicative, "+", "-");

    private ConditionNode ParseMultiplicative() => ParseLeft(ParseUnary, "*", "/", "%");

    private ConditionNode ParseLeft(Func<ConditionNode> next, params string[] operators)
    {
        var left = next();
        var chain = 0;
        while (Current.Kind == TokenKind.Symbol && operators.Contains(Current.Text))
        {
            Enter();
            chain++;
            var op = Current.Text;
            position++;
            var right = next();
            left = new BinaryNode(op, left, right, left.Start, right.End);
        }

        depth -= chain;
        return left;
    }

    private ConditionNode ParseUnary()
    {
        if (IsSymbol("!") || IsWord("not") || IsSymbol("-"))
        {
            var token = Current;
            position++;
            Enter();
            var operand = ParseUnary();
            depth--;
            return new UnaryNode(token.Text == "-" ? "-" : "!", operand, token.Start, operand.End);
        }

        return ParsePostfix();
    }

    private ConditionNode ParsePostfix()
    {
        var node = ParsePrimary();
        while (true)
        {
            if (IsSymbol("."))
            {
                position++;
                if (Current.Kind != TokenKind.Identifier)
                {
                    throw Expected("a field name after '.'");
                }

                node = new MemberNode(node, Current.Text, node.Start, Current.End);
                position++;
            }
            else if (IsSymbol("["))
            {
                position++;
                Enter();
                var index = ParseOr();
                depth--;
                var close = Expect("]");
                node = new IndexNode(node, index, node.Start, close.End);
            }
            else
            {
                return node;
            }
        }
    }

    private ConditionNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                position++;
                return new LiteralNode(MetricValue.FromNumber(token.Number), token.Start, token.End);
            case TokenKind.String:
                position++;
                return new LiteralNode(MetricValue.FromString(token.Text), token.Start, token.End);
            case TokenKind.Identifier:
                position++;
                switch (token.Text)
                {
                    case "true":
                        return new LiteralNode(MetricValue.True, token.Start, token.End);
                    case "false":
                        return new LiteralNode(MetricValue.False, token.Start, token.End);
                    case "null" or "nil":
                        return new LiteralNode(MetricValue.Null, token.Start, token.End);
                    case "result":
                        return new ResultNode(token.Start, token.End);
                }

                if (IsSymbol("("))
                {
                    return ParseCall(token);
                }

                throw new ConditionSyntaxException(token.Start, Functions.ContainsKey(token.Text)
                    ? $"'{token.Text}' is a function: write {token.Text}(...)"
                    : $"unknown name '{token.Text}': the measurement is 'result'");
            case TokenKind.Symbol when token.Text == "(":
                position++;
                Enter();
                var inner = ParseOr();
                depth--;
                Expect(")");
                return inner;
            case TokenKind.End:
                throw Expected("a value");
            default:
                throw new ConditionSyntaxException(token.Start, $"unexpected '{token.Text}'");
        }
    }

    private CallNode ParseCall(Token name)
    {
        if (!Functions.TryGetValue(name.Text, out var arity))
        {
            throw new ConditionSyntaxException(name.Start, $"unknown function '{name.Text}' (functions: {string.Join(", ", Functions.Keys)})");
        }

        position++;
        Enter();
        var arguments = new List<ConditionNode>();
        if (!IsSymbol(")"))
        {
            arguments.Add(ParseOr());
            while (IsSymbol(","))
            {
                position++;
                arguments.Add(ParseOr());
            }
        }

        depth--;
        var close = Expect(")");
        if (arguments.Count < arity.Min || arguments.Count > arity.Max)
        {
            var wanted = arity.Min == arity.Max ? $"{arity.Min}" : $"{arity.Min} to {arity.Max}";
            throw new ConditionSyntaxException(name.Start, $"{name.Text}() takes {wanted} argument{(arity.Max == 1 ? string.Empty : "s")}, got {arguments.Count}");
        }

        return new CallNode(name.Text, arguments, name.Start, close.End);
    }

    private Token Expect(string symbol)
    {
        if (!IsSymbol(symbol))
        {
            throw Expected($"'{symbol}'");
        }

        return tokens[position++];
    }

    private ConditionSyntaxException Expected(string what) => new(Current.Start, Current.Kind == TokenKind.End
        ? $"expected {what}, got the end of the condition"
        : $"expected {what}, got '{Current.Text}'");

    private void Enter()
    {
        if (++depth > MaxDepth)
        {
            throw new ConditionSyntaxException(Current.Start, $"the condition is nested more than {MaxDepth} levels deep");
        }
    }

    private bool IsSymbol(string symbol) => Current.Kind == TokenKind.Symbol && Current.Text == symbol;

    private bool IsWord(string word) => Current.Kind == TokenKind.Identifier && Current.Text == word;
}
