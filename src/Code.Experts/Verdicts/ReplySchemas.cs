using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Code.Experts.Verdicts;

/// <summary>
/// The JSON schemas the circle asks models to reply in (<see cref="ChatResponseFormat.ForJsonSchema(JsonElement, string?, string?)"/>):
/// providers with structured output then return exactly one object of this shape, and a decision's answer can
/// only be one of its choices (or null to abstain). Written for strict modes: every property required, no others.
/// </summary>
internal static class ReplySchemas
{
    public const string VerdictName = "expert_verdict";
    public const string RankingName = "peer_ranking";

    /// <summary>The most choice sets whose schema is kept (questions are bounded, so a hostile caller cannot grow it further).</summary>
    private const int MaxCachedSchemas = 256;

    private static readonly ConcurrentDictionary<string, ChatResponseFormatJson> VerdictSchemas = new(StringComparer.Ordinal);

    /// <summary>The verdict schema of a question; built once per set of choices (the format is immutable, so it is shared).</summary>
    /// <param name="choices">The question's choices; empty for free text.</param>
    /// <returns>The response format.</returns>
    public static ChatResponseFormatJson Verdict(IReadOnlyList<string> choices)
    {
        var key = string.Concat(choices.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Length}:{c}"))); // length-prefixed: no two sets share a key
        if (VerdictSchemas.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var format = BuildVerdict(choices);
        if (VerdictSchemas.Count < MaxCachedSchemas)
        {
            VerdictSchemas.TryAdd(key, format);
        }

        return format;
    }

    private static ChatResponseFormatJson BuildVerdict(IReadOnlyList<string> choices)
    {
        var answer = new JsonObject
        {
            ["type"] = new JsonArray("string", "null"),
            ["description"] = choices.Count > 0 ? "exactly one of the choices, or null to abstain" : "the answer, or null to abstain",
        };
        if (choices.Count > 0)
        {
            var allowed = new JsonArray();
            foreach (var choice in choices)
            {
                allowed.Add(choice);
            }

            allowed.Add(null);
            answer["enum"] = allowed;
        }

        return Format(
            VerdictName,
            "One expert's verdict on the question.",
            new JsonObject
            {
                ["answer"] = answer,
                ["confidence"] = new JsonObject { ["type"] = "number", ["description"] = "from 0 to 1" },
                ["rationale"] = new JsonObject { ["type"] = "string" },
                ["abstain"] = new JsonObject { ["type"] = "boolean", ["description"] = "true only when you cannot judge; answer is then null" },
            });
    }

    /// <summary>The ranking schema of a peer review.</summary>
    /// <param name="labels">The labels shown to the reviewer.</param>
    /// <returns>The response format.</returns>
    public static ChatResponseFormatJson Ranking(IReadOnlyList<string> labels)
    {
        var allowed = new JsonArray();
        foreach (var label in labels)
        {
            allowed.Add(label);
        }

        return Format(
            RankingName,
            "A ranking of the labelled answers, best first.",
            new JsonObject
            {
                ["ranking"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["enum"] = allowed } },
                ["rationale"] = new JsonObject { ["type"] = "string" },
            });
    }

    private static ChatResponseFormatJson Format(string name, string description, JsonObject properties)
    {
        var required = new JsonArray();
        foreach (var property in properties)
        {
            required.Add(property.Key);
        }

        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
            ["additionalProperties"] = false,
        };
        using var document = JsonDocument.Parse(schema.ToJsonString());
        return ChatResponseFormat.ForJsonSchema(document.RootElement.Clone(), name, description);
    }
}
