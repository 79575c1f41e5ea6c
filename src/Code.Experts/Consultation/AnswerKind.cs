using System.Text.Json.Serialization;
using Code.Experts.Serialization;

namespace Code.Experts.Consultation;

/// <summary>What kind of answer a question asks for.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AnswerKind>))]
public enum AnswerKind
{
    /// <summary>Any text; identical answers (ignoring case, spacing and trailing punctuation) count as agreeing.</summary>
    FreeText,

    /// <summary>Exactly one of the question's <see cref="ExpertQuestion.Choices"/>.</summary>
    Decision,
}
