namespace Code.Learning.Registry;

/// <summary>The metadata of one stored model version.</summary>
/// <param name="ModelId">The model id.</param>
/// <param name="Version">The version, from 1, growing with every save.</param>
/// <param name="ModelType">The kind of model, telling a loader how to read the data (for example <c>ftrl-logistic</c>).</param>
/// <param name="CreatedAt">When the version was saved.</param>
/// <param name="Metrics">The performance metrics saved with it (for example accuracy, log loss).</param>
/// <param name="ParentVersions">The versions it was derived from.</param>
/// <param name="ContentHash">The SHA-256 of the model data, lowercase hex.</param>
/// <param name="SizeBytes">The size of the model data before compression.</param>
/// <param name="IsCurrent">Whether this is the version loaded by default.</param>
/// <param name="Corruption">Why the stored version cannot be read, or <see langword="null"/> when it is intact.</param>
public sealed record ModelVersionInfo(
    string ModelId,
    long Version,
    string ModelType,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<long> ParentVersions,
    string ContentHash,
    int SizeBytes,
    bool IsCurrent,
    string? Corruption = null);

/// <summary>A model version with its data.</summary>
/// <param name="Info">The metadata.</param>
/// <param name="Data">The model's own serialized parameters, verified against the content hash.</param>
public sealed record StoredModel(ModelVersionInfo Info, ReadOnlyMemory<byte> Data);

/// <summary>One metric of two model versions side by side.</summary>
/// <param name="Metric">The metric name.</param>
/// <param name="Baseline">Its value in the baseline version, if recorded.</param>
/// <param name="Candidate">Its value in the candidate version, if recorded.</param>
/// <param name="Difference">Candidate minus baseline, when both are recorded.</param>
public sealed record ModelMetricComparison(string Metric, double? Baseline, double? Candidate, double? Difference);

/// <summary>The metrics of two versions of a model, side by side.</summary>
/// <param name="ModelId">The model id.</param>
/// <param name="BaselineVersion">The version compared against.</param>
/// <param name="CandidateVersion">The version compared.</param>
/// <param name="Metrics">Every metric recorded in either version, by name.</param>
public sealed record ModelComparison(string ModelId, long BaselineVersion, long CandidateVersion, IReadOnlyList<ModelMetricComparison> Metrics);
