using Code.Experts.Verdicts;

namespace Code.Experts.Tests.Verdicts;

public class VerdictParserTests
{
    private static readonly string[] Choices = ["promote", "hold", "rollback"];

    [Theory]
    [InlineData("{\"answer\": \"hold\", \"confidence\": 0.7, \"rationale\": \"r\"}", "hold", 0.7)]
    [InlineData("```json\n{\"answer\": \"Rollback\", \"confidence\": 0.9}\n```", "rollback", 0.9)]
    [InlineData("After careful thought {about this} here is my verdict: {\"decision\": \"HOLD.\", \"certainty\": \"65%\"} Thanks!", "hold", 0.65)]
    [InlineData("{\"answer\": \"'promote'\", \"confidence\": 80}", "promote", 0.8)]
    [InlineData("{\"answer\": \"hold\", \"confidence\": 1}", "hold", 1.0)]
    [InlineData("{\"answer\": \"hold\", \"confidence\": 100}", "hold", 1.0)]
    [InlineData("{\"answer\": \"hold\", \"confidence\": \"1.5%\"}", "hold", 0.015)]
    [InlineData("{\"answer\": \"hold\", \"abstain\": false, \"confidence\": 0.3, \"rationale\": \"r\"}", "hold", 0.3)]
    [InlineData("{\"answer\": \"hold\", \"rationale\": \"the evidence said {\\\"answer\\\": \\\"promote\\\"}\"}", "hold", 0.5)]
    [InlineData("{\"answer\": \"hold\", \"quoted\": {\"answer\": \"promote\"}}", "hold", 0.5)]
    [InlineData("{\"answer\": \"hold\", /* unsure */ \"confidence\": \"0.4\",}", "hold", 0.4)]
    [InlineData("{\"answer\": \"hold\"}", "hold", 0.5)]
    [InlineData("{\"verdict\": \"hold\", \"confidence\": null}", "hold", 0.5)]
    public void Lenient_forms_are_read(string reply, string answer, double confidence)
    {
        var verdict = VerdictParser.Parse(reply, Choices, 10_000);

        Assert.True(verdict.IsUsable, verdict.Problem);
        Assert.Equal(answer, verdict.Answer);
        Assert.Equal(confidence, verdict.Confidence, 9);
    }

    [Theory]
    [InlineData("", "the reply was empty")]
    [InlineData("I say promote", "no JSON object")]
    [InlineData("{\"confidence\": 0.9}", "no JSON object with an \"answer\"")]
    [InlineData("{\"answer\": null}", "\"answer\" was missing or null")]
    [InlineData("{\"answer\": 3}", "\"answer\" must be a string")]
    [InlineData("{\"answer\": \"deploy now\"}", "'deploy now' is not one of: promote, hold, rollback")]
    [InlineData("{\"answer\": \"hold\", \"confidence\": 150}", "\"confidence\" must be a number in [0, 1]")]
    [InlineData("{\"answer\": \"hold\", \"confidence\": -0.1}", "\"confidence\" must be a number")]
    [InlineData("{\"answer\": \"hold\", \"confidence\": \"high\"}", "\"confidence\" must be a number")]
    [InlineData("{\"answer\": \"hold\", \"confidence\": true}", "\"confidence\" must be a number")]
    [InlineData("{\"answer\": \"hold\", \"confidence\": 1.5}", "\"confidence\" 1.5 is ambiguous")]
    [InlineData("{\"answer\": \"hold\", \"confidence\": \"1.5\"}", "\"confidence\" 1.5 is ambiguous")]
    [InlineData("{\"answer\": \"hold\", \"confidence\": 7}", "\"confidence\" 7 is ambiguous")]
    [InlineData("{\"answer\": \"promote\"} {\"answer\": \"hold\"}", "the reply held 2 JSON verdicts")]
    [InlineData("Quoting the evidence: ```json\n{\"answer\": \"promote\", \"confidence\": 1}\n``` My verdict: {\"answer\": \"rollback\", \"confidence\": 0.9}", "the reply held 2 JSON verdicts")]
    [InlineData("{\"answer\": \"hold\", \"confidence\": 0.2} {\"answer\": \"hold\", \"confidence\": 1}", "the reply held 2 JSON verdicts")]
    [InlineData("[{\"answer\": \"promote\"}, {\"answer\": \"rollback\"}]", "the reply held 2 JSON verdicts")]
    [InlineData("{\"answer\": \"hold\", \"decision\": \"promote\"}", "the verdict names more than one answer")]
    [InlineData("{\"answer\": \"hold\", \"answer\": \"promote\"}", "the verdict names more than one answer")]
    [InlineData("{\"answer\": \"promote\", \"abstain\": true}", "\"abstain\" is true but \"answer\" is 'promote'")]
    public void Unusable_replies_say_why(string reply, string problem)
    {
        var verdict = VerdictParser.Parse(reply, Choices, 10_000);

        Assert.False(verdict.IsUsable);
        Assert.Contains(problem, verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_abstention_is_usable_and_carries_its_reason()
    {
        var verdict = VerdictParser.Parse("{\"answer\": null, \"abstain\": true, \"rationale\": \"no data\"}", Choices, 10_000);

        Assert.True(verdict.IsUsable);
        Assert.True(verdict.Abstained);
        Assert.Equal("no data", verdict.Rationale);
    }

    [Fact]
    public void Free_text_answers_are_kept_and_bounded()
    {
        var verdict = VerdictParser.Parse("{\"answer\": \"" + new string('x', 10_000) + "\", \"rationale\": \"" + new string('r', 5_000) + "\"}", [], 100_000);

        Assert.Equal(VerdictParser.MaxFreeTextAnswerLength, verdict.Answer!.Length);
        Assert.Equal(VerdictParser.MaxRationaleLength, verdict.Rationale!.Length);
    }

    [Fact]
    public void Only_the_allowed_length_of_a_huge_reply_is_read()
    {
        var reply = new string(' ', 5_000) + "{\"answer\": \"hold\"}";

        Assert.False(VerdictParser.Parse(reply, Choices, 1_000).IsUsable);
        Assert.True(VerdictParser.Parse(reply, Choices, 10_000).IsUsable);
    }

    [Fact]
    public void Deeply_nested_or_endless_braces_are_rejected_without_throwing()
    {
        var nested = new string('{', 5_000);
        var deep = "{\"answer\": \"hold\", \"x\": " + string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100)) + "}";

        Assert.False(VerdictParser.Parse(nested, Choices, 10_000).IsUsable);
        Assert.False(VerdictParser.Parse(deep, Choices, 10_000).IsUsable);
    }
}
