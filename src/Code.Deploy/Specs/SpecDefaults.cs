namespace Code.Deploy.Specs;

/// <summary>Defaults of the spec's fields (stated in each property's documentation and in docs/deploy.md).</summary>
internal static class SpecDefaults
{
    public const int Replicas = 1;
    public const int ProgressDeadlineSeconds = 600;
    public const int RevisionHistoryLimit = 10;
    public const int ProbePeriodSeconds = 10;
    public const int ProbeTimeoutSeconds = 1;
    public const int ProbeSuccessThreshold = 1;
    public const int ProbeFailureThreshold = 3;
    public const int MaxSurgePercent = 25;
    public const int MaxUnavailablePercent = 25;
    public const int ScaleDownDelaySeconds = 30;
    public const int AbortScaleDownDelaySeconds = 30;
    public const int ConsecutiveErrorLimit = 4;
    public const int WebhookRetries = 2;
    public const double ExpertsMinConfidence = 0.7;
    public static readonly TimeSpan PrometheusTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan WebTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(10);
}
