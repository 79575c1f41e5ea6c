using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Code.Learning.Hosting;

namespace Code.Learning.Diagnostics;

/// <summary>
/// The one <see cref="Meter"/> and one <see cref="ActivitySource"/> of Code.Learning, both named
/// <c>Code.Learning</c>, and the package's instruments (documented in docs/learning.md).
/// </summary>
internal static class LearningDiagnostics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Code.Learning";

    private static readonly string? Version = typeof(LearningDiagnostics).Assembly.GetName().Version?.ToString();
    private static readonly ConcurrentDictionary<LearningModels, byte> Sources = new();

    /// <summary>Gets the package's meter.</summary>
    public static Meter Meter { get; } = new(Name, Version);

    /// <summary>Gets the package's activity source; start activities only when <see cref="ActivitySource.HasListeners"/>.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    /// <summary>Gets the histogram of the time one batch of events takes to fold into the models, in milliseconds.</summary>
    public static Histogram<double> TrainingTime { get; } =
        Meter.CreateHistogram<double>("code.learning.training.duration", "ms", "Time to fold one batch of events into the models.");

    /// <summary>Gets the histogram of the time one prediction takes, in microseconds.</summary>
    public static Histogram<double> PredictionLatency { get; } =
        Meter.CreateHistogram<double>("code.learning.prediction.duration", "us", "Time to compute one prediction of the deployment risk model.");

    /// <summary>Gets the counter of events folded into the models.</summary>
    public static Counter<long> DataProcessed { get; } =
        Meter.CreateCounter<long>("code.learning.events.processed", "{event}", "Events folded into the models.");

    /// <summary>Gets the counter of model checkpoints written to the registry.</summary>
    public static Counter<long> Checkpoints { get; } =
        Meter.CreateCounter<long>("code.learning.checkpoints", "{checkpoint}", "Model checkpoints written to the model registry.");

    /// <summary>Gets the gauge of the risk model's progressive-validation accuracy, one measurement per host model set.</summary>
    public static ObservableGauge<double> ModelAccuracy { get; } =
        Meter.CreateObservableGauge("code.learning.model.accuracy", ObserveAccuracy, "1", "Progressive-validation accuracy of the deployment risk model.");

    /// <summary>Makes a host's models visible to the accuracy gauge.</summary>
    public static void Register(LearningModels models) => Sources.TryAdd(models, 0);

    /// <summary>Removes a host's models from the accuracy gauge.</summary>
    public static void Unregister(LearningModels models) => Sources.TryRemove(models, out _);

    private static IEnumerable<Measurement<double>> ObserveAccuracy()
    {
        foreach (var models in Sources.Keys)
        {
            var quality = models.Quality;
            if (quality.Examples > 0)
            {
                yield return new Measurement<double>(quality.Accuracy, new KeyValuePair<string, object?>("model", "deployment-risk"));
            }
        }
    }
}
