using System.Globalization;
using System.Text;

namespace Code.Deploy.Analysis.Conditions;

internal enum TokenKind
{
    Number,
    String,
    Identifier,
    Symbol,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Start, int End, double Number = 0);

/// <summary>Splits a condition into tokens; a bad character or an unterminated string is a syntax error at its position.</summary>
internal static class ConditionLexer
{
    private static readonly string[] Symbols = ["==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", ",", ".", "!", "<", ">", "+", "-", "*", "/", "%"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, string.Empty, i, i));
                return tokens;
            }

            var c = text[i];
            var start = i;
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (i < text.Length && text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }
                }
                else if (i < text.Length && text[i] == '.' && start == i)
                {
                    i++;
                }

                if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
                {
                    var e = i + 1;
                    if (e < text.Length && (text[e] == '+' || text[e] == '-'))
                    {
                        e++;
                    }

                    if (e < text.Length && char.IsAsciiDigit(text[e]))
                    {
                        i = e;
                        while (i < text.Length && char.IsAsciiDigit(text[i]))
                        {
                            i++;
                        }
                    }
                }

                var digits = text[start..i];
                if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    throw new ConditionSyntaxException(start, $"'{digits}' is not a number");
                }

                tokens.Add(new Token(TokenKind.Number, digits, start, i, number));
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start, i));
                continue;
            }

            if (c is '"' or '\'')
            {
                tokens.Add(ReadString(text, ref i));
                continue;
            }

            var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0);
            if (symbol is null)
            {
                throw new ConditionSyntaxException(start, $"unexpected character '{c}'");
            }

            i += symbol.Length;
            tokens.Add(new Token(TokenKind.Symbol, symbol, start, i));
        }
    }

    private static Token ReadString(string text, ref int i)
    {
        var quote = text[i];
        var start = i++;
        var builder = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }

                builder.Append(text[i + 1] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    '\\' or '"' or '\'' => text[i + 1],
                    _ => throw new ConditionSyntaxException(i, $"unknown escape '\\{text[i + 1]}'"),
                });
                i += 2;
                continue;
            }

            builder.Append(text[i++]);
        }

        if (i >= text.Length)
        {
            throw new ConditionSyntaxException(start, "unterminated string");
        }

        i++;
        return new Token(TokenKind.String, builder.ToString(), start, i);
    }
}

/// <summary>A syntax error at an offset of the condition (turned into line and column by <see cref="AnalysisCondition"/>).</summary>
internal sealed class ConditionSyntaxException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}
