using System.Text;
using Code.Deploy.Analysis;
using Code.Deploy.Serialization;
using Code.Deploy.Specs;
using Code.Deploy.Strategies;
using static Code.Deploy.Tests.DeployTestHost;

namespace Code.Deploy.Tests.Specs;

public sealed class DeploymentSpecReaderTests
{
    [Fact]
    public void Reads_the_canary_example_into_the_spec_model()
    {
        var spec = Yaml(SpecExamples.Canary);

        Assert.Equal("shop", spec.App);
        Assert.Equal("v2", spec.Revision.Name);
        Assert.Equal(["dotnet", "Shop.dll", "--urls", "http://127.0.0.1:{port}"], spec.Revision.Command);
        Assert.Equal(10, spec.Replicas);
        var canary = spec.Strategy!.Canary!;
        Assert.Equal(StrategyKind.Canary, spec.Strategy.Kind);
        Assert.Equal(
            [CanaryStepKind.SetWeight, CanaryStepKind.Pause, CanaryStepKind.SetHeaderRoute, CanaryStepKind.Analysis, CanaryStepKind.SetCanaryScale, CanaryStepKind.SetWeight, CanaryStepKind.Pause],
            canary.Steps.Select(s => s.Kind!.Value));
        Assert.Equal(TimeSpan.FromMinutes(5), canary.Steps[1].Pause!.Duration);
        Assert.Null(canary.Steps[6].Pause!.Duration);
        Assert.Equal("always", canary.Steps[2].SetHeaderRoute!.Match[0].HeaderValue.Exact);
        Assert.Equal(1, canary.Analysis!.StartingStep);
        Assert.Equal(IntOrPercent.FromPercent(25), canary.MaxSurge);
        var judge = spec.Analysis!.Templates[1].Metrics[0];
        Assert.Equal("judge", judge.Provider.Kind);
        Assert.Equal(Learning.CanaryJudge.MetricDirection.Increase, judge.Provider.Judge!.Metrics[0].Direction);
        Assert.Equal(TimeSpan.FromMinutes(2), judge.Interval);
        Assert.Null(judge.Count);
    }

    [Fact]
    public void Json_and_yaml_read_the_same_spec()
    {
        var fromYaml = Yaml(SpecExamples.BlueGreen);
        var json = System.Text.Json.JsonSerializer.Serialize(fromYaml, DeployJson.Options);

        var fromJson = Reader().Read(json, SpecFormat.Json).GetSpecOrThrow();

        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(fromJson, DeployJson.Options));
        Assert.Contains("\"previewReplicaCount\": 2", json, StringComparison.Ordinal);
        Assert.Contains("\"interval\": \"1m\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"kind\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SpecExamples.Recreate)]
    [InlineData(SpecExamples.Rolling)]
    [InlineData(SpecExamples.Canary)]
    [InlineData(SpecExamples.CanaryWithoutRouter)]
    public void Every_example_survives_a_json_round_trip(string yaml)
    {
        var spec = Yaml(yaml);
        var json = System.Text.Json.JsonSerializer.Serialize(spec, DeployJson.Options);

        var again = Reader().Read(Encoding.UTF8.GetBytes(json), SpecFormat.Json);

        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(again.Spec, DeployJson.Options));
    }

    [Fact]
    public void A_bad_weight_is_reported_with_its_path_line_and_column()
    {
        var errors = YamlErrors("""
            app: shop
            revision: {name: v2, command: [app]}
            strategy:
              canary:
                steps:
                  - setWeight: 20
                  - pause: {}
                  - setWeight: 140
            """);

        var error = Assert.Single(errors);
        Assert.Equal("strategy.canary.steps[2].setWeight: must be 0..100, got 140 (line 8, column 20)", error.ToString());
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_document_order()
    {
        var errors = YamlErrors("""
            app: Shop
            revision:
              name: v2
            replicas: many
            strategy:
              canary:
                stepz: []
                maxSurge: 0
                maxUnavailable: 0
            probes:
              readiness:
                httpGet: {path: healthz, port: 70000}
            """);

        Assert.Equal(
        [
            "app: 'Shop' must be 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit (line 1, column 6)",
            "revision: needs a command (an executable to run) or an image (a container) (line 3, column 3)",
            "replicas: expected an integer, got the string \"many\" (line 4, column 11)",
            "strategy.canary.stepz: unknown field (did you mean 'steps'?) (line 7, column 5)",
            "strategy.canary.maxUnavailable: must not be 0 when maxSurge is 0 (the update could never make progress) (line 9, column 21)",
            "probes.readiness.httpGet.path: must start with '/', got 'healthz' (line 12, column 21)",
            "probes.readiness.httpGet.port: must be 1..65535, got 70000 (line 12, column 36)",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Unknown_fields_suggest_the_closest_known_field()
    {
        var errors = YamlErrors("""
            app: shop
            revison: {name: v2}
            replicas: 2
            stratgy: {}
            colour: blue
            """);

        Assert.Contains(errors, e => e.ToString() == "revison: unknown field (did you mean 'revision'?) (line 2, column 1)");
        Assert.Contains(errors, e => e.ToString() == "stratgy: unknown field (did you mean 'strategy'?) (line 4, column 1)");
        Assert.Contains(errors, e => e.Path == "colour" && e.Message.StartsWith("unknown field (known here: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Wrong_types_duplicates_and_bad_durations_are_errors()
    {
        var errors = YamlErrors("""
            app: shop
            app: shop2
            revision: {name: v2, command: app}
            strategy:
              canary:
                steps:
                  - pause: {duration: 5 minutes}
                  - setWeight: "20"
                  - setWeight: 10
                    pause: {}
            """);

        Assert.Equal(
        [
            "app: the field appears more than once (line 2, column 1)",
            "revision.command: expected a list, got the string \"app\" (line 3, column 31)",
            "strategy.canary.steps[0].pause.duration: '5 minutes' is not a duration: a number needs a unit: ms, s, m, h or d (line 7, column 27)",
            "strategy.canary.steps[1].setWeight: expected an integer, got the string \"20\" (line 8, column 20)",
            "strategy.canary.steps[2]: must set exactly one of setWeight, pause, analysis, setCanaryScale, setHeaderRoute, plugin (line 9, column 9)",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_bad_condition_is_reported_with_its_position_in_the_condition()
    {
        var errors = YamlErrors("""
            app: shop
            revision: {name: v2, command: [app]}
            analysis:
              templates:
                - name: rate
                  metrics:
                    - name: ok
                      provider: {inProcess: {name: ok}}
                      successCondition: result >= 0.9
                    - name: p99
                      provider: {inProcess: {name: p99}}
                      successCondition: len(result > 0
            """);

        Assert.Equal("analysis.templates[0].metrics[1].successCondition: 1:15: expected ')', got the end of the condition (line 12, column 29)", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Yaml_syntax_errors_have_a_line_and_column()
    {
        var error = Assert.Single(YamlErrors("app: shop\nrevision: [unclosed\nreplicas: 2\n"));

        Assert.StartsWith("YAML syntax error: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error.Path);
        Assert.NotNull(error.Line);
        Assert.True(error.Line >= 2, error.ToString());
    }

    [Fact]
    public void Json_syntax_errors_have_a_line_and_column()
    {
        var result = Reader().Read("{\n  \"app\": \"shop\",\n  \"replicas\" 3\n}", SpecFormat.Json);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("JSON syntax error: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
        Assert.Equal(14, error.Column);
    }

    [Fact]
    public async Task Reads_from_a_stream()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(SpecExamples.Rolling));

        var result = await Reader().ReadAsync(stream, SpecFormat.Yaml);

        Assert.True(result.IsValid);
        Assert.Equal(3, result.Spec!.Replicas);
    }

    [Fact]
    public void Plugin_configuration_becomes_json()
    {
        var spec = Reader(Validator(plugins: [new RecordingStepPlugin()])).Read("""
            app: shop
            revision: {name: v2, image: shop:2}
            strategy:
              canary:
                steps:
                  - plugin:
                      name: acme/smoke
                      config: {url: "http://127.0.0.1:9/smoke", retries: 3, strict: true, ratio: 0.5, tags: [a, b], none: null}
            """, SpecFormat.Yaml).GetSpecOrThrow();

        var config = spec.Strategy!.Canary!.Steps[0].Plugin!.Config!.Value;
        Assert.Equal("""{"url":"http://127.0.0.1:9/smoke","retries":3,"strict":true,"ratio":0.5,"tags":["a","b"],"none":null}""", config.GetRawText());
    }
}
