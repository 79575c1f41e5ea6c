using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Consultation;

public class QuestionValidationTests
{
    public static TheoryData<ExpertQuestion, string> BadQuestions => new()
    {
        { new ExpertQuestion { Prompt = " " }, "question.prompt is required" },
        { new ExpertQuestion { Prompt = "?", Choices = ["only"] }, "question.choices has one choice" },
        { new ExpertQuestion { Prompt = "?", Choices = ["a", " "] }, "question.choices[1] must be 1 to 200 characters" },
        { new ExpertQuestion { Prompt = "?", Choices = ["Hold", "hold."] }, "question.choices[1] 'hold.' repeats an earlier choice" },
        { new ExpertQuestion { Prompt = "?", Choices = [.. Enumerable.Range(0, 17).Select(i => $"c{i}")] }, "at most 16 are allowed" },
        { new ExpertQuestion { Prompt = "?", Evidence = [new Evidence("x")] }, "question.evidence[0] ('x') must have exactly one of value (a number) or text" },
        { new ExpertQuestion { Prompt = "?", Evidence = [new Evidence("x", 1, "t")] }, "must have exactly one of value" },
        { new ExpertQuestion { Prompt = "?", Evidence = [Evidence.OfNumber("x", double.NaN)] }, "question.evidence[0].value ('x') must be a finite number" },
        { new ExpertQuestion { Prompt = "?", Evidence = [Evidence.OfNumber("x", 1), Evidence.OfNumber("X", 2)] }, "question.evidence[1].name 'X' is used twice" },
        { new ExpertQuestion { Prompt = "?", Evidence = [Evidence.OfNumber("", 1)] }, "question.evidence[0].name must be 1 to 100 characters" },
        { new ExpertQuestion { Prompt = new string('p', 70_000) }, "experts.max_question_characters allows 65536" },
        { new ExpertQuestion { Prompt = "?", Evidence = [Evidence.OfText("diff", new string('d', 70_000))] }, "question is 70005 characters" },
        { new ExpertQuestion { Prompt = "?", Choices = null! }, "question.choices must be a list" },
        { new ExpertQuestion { Prompt = "?", Aggregation = (Code.Experts.Aggregation.AggregationStrategy)9 }, "question.aggregation 9 is not a known strategy" },
    };

    [Theory]
    [MemberData(nameof(BadQuestions))]
    public async Task Malformed_questions_are_refused_before_any_expert_is_asked(ExpertQuestion question, string message)
    {
        var client = ScriptedChatClient.Answering("a");
        using var host = new CircleHost(e => e.AddChatExpert("a", client));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.Circle.ConsultAsync(question));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.Calls);
    }
}
