using System.Text;

namespace Code.Experts.Verdicts;

/// <summary>The comparison form of an answer: lower case, single spaces, no surrounding quotes or trailing punctuation.</summary>
internal static class AnswerText
{
    public static string Normalize(string answer)
    {
        var trimmed = answer.Trim().Trim('"', '\'', '`', '*', ' ', '.', '!', ',', ';', ':');
        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
