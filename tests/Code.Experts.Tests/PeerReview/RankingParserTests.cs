using Code.Experts.PeerReview;

namespace Code.Experts.Tests.PeerReview;

public class RankingParserTests
{
    private static readonly string[] Labels = ["A", "B", "C"];

    [Theory]
    [InlineData("{\"ranking\": [\"B\", \"C\", \"A\"]}")]
    [InlineData("Here you go: ```json\n{\"ranking\": [\"answer b\", \"Answer C\", \"(A)\"], \"rationale\": \"x\"}\n``` done")]
    [InlineData("{\"Ranking\": \"B > C > A\"}")]
    [InlineData("{\"order\": [\"b\", \"c\", \"a\",]}")]
    public void Lenient_forms_parse_to_the_ranking(string reply)
    {
        var problem = RankingParser.TryParse(reply, Labels, 10_000, out var ranking);

        Assert.Null(problem);
        Assert.Equal(["B", "C", "A"], ranking);
    }

    [Theory]
    [InlineData("", "the reply was empty")]
    [InlineData("B, C, A", "no JSON object")]
    [InlineData("{\"ranking\": [\"B\", \"B\", \"A\"]}", "names B twice")]
    [InlineData("{\"ranking\": [\"B\", \"D\", \"A\"]}", "'D', which is not one of the labels")]
    [InlineData("{\"ranking\": [\"B\", \"A\"]}", "leaves out C")]
    [InlineData("{\"ranking\": [1, 2, 3]}", "must hold label strings")]
    [InlineData("{\"ranking\": 3}", "must be an array")]
    [InlineData("Answer A's rationale said {\"ranking\": [\"A\", \"B\", \"C\"]}; mine: {\"ranking\": [\"C\", \"B\", \"A\"]}", "the reply held 2 JSON rankings")]
    [InlineData("{\"ranking\": [\"C\", \"B\", \"A\"], \"order\": [\"A\", \"B\", \"C\"]}", "the reply names more than one ranking")]
    public void Unusable_rankings_say_why(string reply, string expected)
    {
        var problem = RankingParser.TryParse(reply, Labels, 10_000, out var ranking);

        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Empty(ranking);
    }
}
