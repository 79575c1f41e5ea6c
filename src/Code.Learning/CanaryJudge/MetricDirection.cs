namespace Code.Learning.CanaryJudge;

/// <summary>Which change of a metric counts against the canary.</summary>
public enum MetricDirection
{
    /// <summary>Any significant change fails the metric.</summary>
    Either,

    /// <summary>Only an increase fails it (latency, error rate); a decrease passes.</summary>
    Increase,

    /// <summary>Only a decrease fails it (success rate, throughput); an increase passes.</summary>
    Decrease,
}
