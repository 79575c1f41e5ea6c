namespace Code.Deploy.Specs;

/// <summary>The health probes of each instance of a revision.</summary>
public sealed record ProbesSpec
{
    /// <summary>Gets the probe that decides when an instance may receive traffic, or <see langword="null"/> (an instance is ready once it runs).</summary>
    public ProbeSpec? Readiness { get; init; }

    /// <summary>Gets the probe that decides when an instance must be restarted, or <see langword="null"/> for none.</summary>
    public ProbeSpec? Liveness { get; init; }
}

/// <summary>An HTTP probe with Kubernetes' field names and defaults.</summary>
public sealed record ProbeSpec
{
    /// <summary>Gets the HTTP request the probe sends; a status of 200 to 399 is a success.</summary>
    public HttpGetSpec HttpGet { get; init; } = new();

    /// <summary>Gets the seconds after an instance starts before the first probe.</summary>
    /// <value>The default value is 0; allowed 0 to 3600.</value>
    public int InitialDelaySeconds { get; init; }

    /// <summary>Gets the seconds between probes.</summary>
    /// <value>The default value is 10; allowed 1 to 3600.</value>
    public int PeriodSeconds { get; init; } = SpecDefaults.ProbePeriodSeconds;

    /// <summary>Gets the seconds after which a probe counts as failed.</summary>
    /// <value>The default value is 1; allowed 1 to 3600.</value>
    public int TimeoutSeconds { get; init; } = SpecDefaults.ProbeTimeoutSeconds;

    /// <summary>Gets the consecutive successes after a failure for the probe to pass again (must be 1 for liveness).</summary>
    /// <value>The default value is 1; allowed 1 to 100.</value>
    public int SuccessThreshold { get; init; } = SpecDefaults.ProbeSuccessThreshold;

    /// <summary>Gets the consecutive failures for the probe to fail.</summary>
    /// <value>The default value is 3; allowed 1 to 100.</value>
    public int FailureThreshold { get; init; } = SpecDefaults.ProbeFailureThreshold;
}

/// <summary>The HTTP GET request of a probe.</summary>
public sealed record HttpGetSpec
{
    /// <summary>Gets the request path, starting with '/'.</summary>
    /// <value>The default value is <c>/</c>.</value>
    public string Path { get; init; } = "/";

    /// <summary>Gets the port, 1 to 65535, or <see langword="null"/> for the port the target gave the instance.</summary>
    public int? Port { get; init; }

    /// <summary>Gets the scheme: <c>HTTP</c> or <c>HTTPS</c>.</summary>
    /// <value>The default value is <c>HTTP</c>.</value>
    public string Scheme { get; init; } = "HTTP";
}
