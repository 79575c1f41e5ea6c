using System.Text.Json;
using Code.Deploy.Specs;
using Code.Deploy.Strategies;

namespace Code.Deploy.Tests;

/// <summary>A step plugin whose configuration must have an http(s) <c>url</c>; its runs are not used by these tests.</summary>
internal sealed class RecordingStepPlugin : ICanaryStepPlugin
{
    public string Name => "acme/smoke";

    public IReadOnlyList<SpecError> Validate(JsonElement? config)
    {
        if (config is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty("url", out var url) && url.GetString() is { } text && !text.StartsWith("http", StringComparison.Ordinal))
        {
            return [new SpecError("url", $"must be http or https, got '{text}'")];
        }

        return [];
    }

    public ValueTask<StepPluginResult> RunAsync(StepPluginContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StepPluginResult(StepPluginStatus.Continue, "done"));

    public ValueTask AbortAsync(StepPluginContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
