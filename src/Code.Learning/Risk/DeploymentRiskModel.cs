using System.Diagnostics;
using Code.Learning.Diagnostics;
using Code.Learning.Supervised;

namespace Code.Learning.Risk;

/// <summary>
/// The deployment risk model: FTRL logistic regression over features derived from
/// <see cref="DeploymentRiskFeatures"/> (log-scaled change size, service, environment, hour and weekday,
/// recent failure rate, migrations, and the host's own features, plus a service x size interaction).
/// </summary>
internal sealed class DeploymentRiskModel : IDeploymentRiskModel
{
    public const string ModelType = "deployment-risk-ftrl";

    private const int MaxExtraFeatures = 256;
    private static readonly string[] Hours = Enumerable.Range(0, 24).Select(h => h.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] Days = Enum.GetNames<DayOfWeek>();

    [ThreadStatic]
    private static Feature[]? _buffer;

    public DeploymentRiskModel(FtrlLogisticRegression model)
    {
        Model = model;
    }

    public FtrlLogisticRegression Model { get; }

    public ModelQuality Quality => Model.Quality;

    public double PredictFailureProbability(DeploymentRiskFeatures features)
    {
        var start = Stopwatch.GetTimestamp();
        var buffer = Rent();
        var count = Build(features, buffer);
        var p = Model.Predict(buffer.AsSpan(0, count));
        if (LearningDiagnostics.PredictionLatency.Enabled)
        {
            LearningDiagnostics.PredictionLatency.Record(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return p;
    }

    public double RecordOutcome(DeploymentRiskFeatures features, bool failed)
    {
        var buffer = Rent();
        var count = Build(features, buffer);
        return Model.Learn(buffer.AsSpan(0, count), failed);
    }

    private static Feature[] Rent() => _buffer ??= new Feature[16 + (2 * MaxExtraFeatures)];

    /// <summary>Validates the features and writes the model inputs; returns how many.</summary>
    internal static int Build(DeploymentRiskFeatures features, Feature[] buffer)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (string.IsNullOrWhiteSpace(features.Service))
        {
            throw new ArgumentException("The deployment's service name is missing.", nameof(features));
        }

        if (features.LinesChanged < 0 || features.FilesChanged < 0)
        {
            throw new ArgumentException($"Deployment of '{features.Service}': lines changed ({features.LinesChanged}) and files changed ({features.FilesChanged}) cannot be negative.", nameof(features));
        }

        if (!(features.RecentFailureRate >= 0 && features.RecentFailureRate <= 1))
        {
            throw new ArgumentException($"Deployment of '{features.Service}': the recent failure rate {features.RecentFailureRate} must be between 0 and 1.", nameof(features));
        }

        var extra = (features.Numeric?.Count ?? 0) + (features.Categorical?.Count ?? 0);
        if (extra > MaxExtraFeatures)
        {
            throw new ArgumentException($"Deployment of '{features.Service}' has {extra} extra features; at most {MaxExtraFeatures} are accepted.", nameof(features));
        }

        var n = 0;
        var size = Math.Log(1 + features.LinesChanged);
        buffer[n++] = new Feature("service", features.Service);
        buffer[n++] = new Feature("environment", features.Environment ?? "-");
        buffer[n++] = new Feature("log_lines", size / 4);
        buffer[n++] = new Feature("log_files", Math.Log(1 + features.FilesChanged) / 2);
        buffer[n++] = new Feature("recent_failure_rate", features.RecentFailureRate * 4);
        buffer[n++] = new Feature("size_by_service", features.Service, size / 4);
        if (features.HasMigration)
        {
            buffer[n++] = new Feature("migration", 1.0);
        }

        if (features.StartsAt is { } startsAt)
        {
            var utc = startsAt.UtcDateTime;
            buffer[n++] = new Feature("hour", Hours[utc.Hour]);
            buffer[n++] = new Feature("weekday", Days[(int)utc.DayOfWeek]);
        }

        if (features.Numeric is not null)
        {
            foreach (var (name, value) in features.Numeric)
            {
                if (!(Math.Abs(value) <= FeatureHasher.MaxValue))
                {
                    throw new ArgumentException($"Deployment of '{features.Service}': feature '{name}' is {value}; features must be finite numbers within ±{FeatureHasher.MaxValue:G} (scale them).", nameof(features));
                }

                buffer[n++] = new Feature("x." + name, value);
            }
        }

        if (features.Categorical is not null)
        {
            foreach (var (name, value) in features.Categorical)
            {
                buffer[n++] = new Feature("c." + name, value ?? "-");
            }
        }

        return n;
    }
}
