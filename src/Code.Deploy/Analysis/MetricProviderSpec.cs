using System.Text.Json.Serialization;
using Code.Deploy.Specs;
using Code.Learning.CanaryJudge;

namespace Code.Deploy.Analysis;

/// <summary>Where a metric's measurements come from: exactly one provider.</summary>
public sealed record MetricProviderSpec
{
    /// <summary>Gets a Prometheus query.</summary>
    public PrometheusProviderSpec? Prometheus { get; init; }

    /// <summary>Gets an HTTP GET whose JSON answer holds the value.</summary>
    public WebProviderSpec? Web { get; init; }

    /// <summary>Gets the canary judge over baseline and canary samples.</summary>
    public JudgeProviderSpec? Judge { get; init; }

    /// <summary>Gets a measurement the host supplies in process (a callback or a <c>System.Diagnostics.Metrics</c> instrument).</summary>
    public InProcessProviderSpec? InProcess { get; init; }

    /// <summary>Gets a provider the host registered under a name.</summary>
    public PluginSpec? Plugin { get; init; }

    /// <summary>
    /// Gets the name of the <see cref="IAnalysisProvider"/> that serves this metric: <c>prometheus</c>, <c>web</c>,
    /// <c>judge</c>, <c>inProcess</c> or the plugin's name; <see langword="null"/> when none or several are set (which is invalid).
    /// </summary>
    [JsonIgnore]
    public string? Kind
    {
        get
        {
            string? kind = null;
            var count = 0;
            if (Prometheus is not null) { kind = AnalysisProviderNames.Prometheus; count++; }
            if (Web is not null) { kind = AnalysisProviderNames.Web; count++; }
            if (Judge is not null) { kind = AnalysisProviderNames.Judge; count++; }
            if (InProcess is not null) { kind = AnalysisProviderNames.InProcess; count++; }
            if (Plugin is not null) { kind = Plugin.Name; count++; }
            return count == 1 ? kind : null;
        }
    }
}

/// <summary>The names of the built-in analysis providers (each an <see cref="IAnalysisProvider.Name"/>).</summary>
public static class AnalysisProviderNames
{
    /// <summary>The Prometheus HTTP query API.</summary>
    public const string Prometheus = "prometheus";

    /// <summary>An HTTP GET returning JSON.</summary>
    public const string Web = "web";

    /// <summary>The canary judge.</summary>
    public const string Judge = "judge";

    /// <summary>An in-process measurement.</summary>
    public const string InProcess = "inProcess";

    /// <summary>Gets every built-in name.</summary>
    public static IReadOnlyList<string> All { get; } = [Prometheus, Web, Judge, InProcess];
}

/// <summary>A Prometheus instant query.</summary>
public sealed record PrometheusProviderSpec
{
    /// <summary>Gets the server's base address, an absolute http or https URL.</summary>
    public string Address { get; init; } = string.Empty;

    /// <summary>Gets the PromQL query.</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary>Gets how long a query may take.</summary>
    /// <value>The default value is 30 seconds; allowed 1 second to 10 minutes.</value>
    public TimeSpan Timeout { get; init; } = SpecDefaults.PrometheusTimeout;
}

/// <summary>An HTTP GET whose JSON answer holds the measurement.</summary>
public sealed record WebProviderSpec
{
    /// <summary>Gets the URL, absolute http or https.</summary>
    public string Url { get; init; } = string.Empty;

    /// <summary>Gets the request headers.</summary>
    public IReadOnlyList<HeaderSpec> Headers { get; init; } = [];

    /// <summary>Gets the JSON path of the value in the answer (for example <c>$.data.ok</c>), or <see langword="null"/> for the whole answer.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Gets how long the request may take.</summary>
    /// <value>The default value is 10 seconds; allowed 1 second to 10 minutes.</value>
    public TimeSpan Timeout { get; init; } = SpecDefaults.WebTimeout;
}

/// <summary>An HTTP header sent by a provider, gate or webhook.</summary>
/// <param name="Key">The header's name.</param>
/// <param name="Value">The header's value.</param>
public sealed record HeaderSpec(string Key, string Value);

/// <summary>The canary judge: baseline and canary samples of each metric, collected over the step, compared by <see cref="ICanaryJudge"/>.</summary>
public sealed record JudgeProviderSpec
{
    /// <summary>Gets the metrics to compare, with unique names; at least one.</summary>
    public IReadOnlyList<JudgeMetricSpec> Metrics { get; init; } = [];
}

/// <summary>One metric compared by the canary judge (the fields of <see cref="CanaryMetricConfig"/>).</summary>
public sealed record JudgeMetricSpec
{
    /// <summary>Gets the sample series' name, as an <see cref="IMetricSampleSource"/> knows it.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the change that counts against the canary.</summary>
    /// <value>The default value is <see cref="MetricDirection.Either"/>.</value>
    public MetricDirection Direction { get; init; } = MetricDirection.Either;

    /// <summary>Gets the relative shift a significant change must exceed to fail.</summary>
    /// <value>The default value is 0.05; allowed 0 to 10.</value>
    public double Tolerance { get; init; } = 0.05;

    /// <summary>Gets a value indicating whether this metric's failure fails the judgment whatever the score.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Critical { get; init; }
}

/// <summary>A measurement supplied in process by the host, registered under a name.</summary>
public sealed record InProcessProviderSpec
{
    /// <summary>Gets the name the measurement is registered under.</summary>
    public string Name { get; init; } = string.Empty;
}
