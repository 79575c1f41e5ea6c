using System.Text.Json;
using System.Text.Json.Nodes;
using Code.Experts.Aggregation;
using Code.Experts.Consultation;
using Code.Experts.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace Code.Experts.Tests.Consultation;

/// <summary>Code.Mcp exposes ConsultAsync as a tool: questions come in as JSON and results go out as JSON.</summary>
public class JsonShapeTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void A_question_reads_from_tool_arguments()
    {
        const string json = """
            {
              "prompt": "Promote checkout-api 2.4.1?",
              "choices": ["promote", "hold", "rollback"],
              "evidence": [
                { "name": "error_rate_delta", "value": 0.002 },
                { "name": "latency_delta_percent", "value": 4.5, "unit": "%" },
                { "name": "change_summary", "text": "bump deps" }
              ],
              "aggregation": "confidenceWeighted",
              "peerReview": true
            }
            """;

        var question = JsonSerializer.Deserialize<ExpertQuestion>(json, Web)!;

        Assert.Equal(AnswerKind.Decision, question.Kind);
        Assert.Equal(3, question.Choices.Count);
        Assert.Equal(0.002, question.Evidence[0].Value);
        Assert.Equal("%", question.Evidence[1].Unit);
        Assert.Equal("bump deps", question.Evidence[2].Text);
        Assert.Equal(AggregationStrategy.ConfidenceWeighted, question.Aggregation);
        Assert.True(question.PeerReview);
    }

    [Fact]
    public void Enum_numbers_are_refused()
        => Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ExpertQuestion>("""{"prompt":"?","aggregation":2}""", Web));

    [Fact]
    public async Task A_result_writes_clean_json_and_reads_back()
    {
        using var host = new CircleHost(e => e
            .AddChatExpert("a", ScriptedChatClient.Answering("hold", 0.8))
            .AddChatExpert("b", new ScriptedChatClient(_ => throw new InvalidOperationException("down"))));
        var result = await host.Circle.ConsultAsync(ExpertQuestion.Decision("Hold?", PromotionDecision.Choices, Evidence.OfNumber("x", 1)) with { Aggregation = AggregationStrategy.Majority });

        var json = JsonSerializer.Serialize(result, Web);
        var node = JsonNode.Parse(json)!;

        Assert.Equal("majority", (string?)node["aggregation"]);
        Assert.Equal("decision", (string?)node["question"]!["kind"]);
        Assert.Equal("answered", (string?)node["opinions"]![0]!["status"]);
        Assert.Equal("failed", (string?)node["opinions"]![1]!["status"]);
        Assert.Equal("InvalidOperationException: down", (string?)node["opinions"]![1]!["error"]);
        Assert.NotNull(node["totalTokens"]!["totalTokens"]);
        Assert.NotNull(node["hasConsensus"]);
        var back = JsonSerializer.Deserialize<ConsultationResult>(json, Web)!;
        Assert.Equal(result.ConsultationId, back.ConsultationId);
        Assert.Equal(result.Answer, back.Answer);
        Assert.Equal(result.Opinions.Select(o => (o.Expert, o.Status, o.Error)), back.Opinions.Select(o => (o.Expert, o.Status, o.Error)));
    }
}
