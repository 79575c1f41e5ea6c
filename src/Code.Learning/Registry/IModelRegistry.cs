namespace Code.Learning.Registry;

/// <summary>
/// Versioned storage of learned models in the CODE state store: every save is a new immutable version
/// (protobuf <c>LearningModel</c>, LZ4-compressed, SHA-256 content hash) with metrics and parents; one
/// version is current. A version is made current only after it has been read back intact, so a corrupt
/// model never replaces a good one.
/// </summary>
public interface IModelRegistry
{
    /// <summary>
    /// Saves a new version of a model and makes it current, unless a newer version became current first or
    /// the model was rolled back while this version was being saved: a rollback is never undone by a save
    /// that began before it. The version is stored either way; <see cref="ModelVersionInfo.IsCurrent"/> says
    /// whether it became current.
    /// </summary>
    /// <param name="modelId">The model id: 1-128 characters of letters, digits, '.', '_' and '-', starting with a letter or digit.</param>
    /// <param name="modelType">The kind of model, for the loader.</param>
    /// <param name="data">The model's serialized parameters, not empty.</param>
    /// <param name="metrics">Performance metrics to keep with it (finite values).</param>
    /// <param name="parentVersions">Existing versions it was derived from.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <returns>The new version's metadata.</returns>
    /// <exception cref="ArgumentException">An argument is invalid, or a parent version does not exist.</exception>
    ValueTask<ModelVersionInfo> SaveAsync(
        string modelId,
        string modelType,
        ReadOnlyMemory<byte> data,
        IReadOnlyDictionary<string, double>? metrics = null,
        IReadOnlyList<long>? parentVersions = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves a new version of a model and makes it current only if the current version is still
    /// <paramref name="expectedCurrentVersion"/> (compare-and-swap on the current pointer): a writer that
    /// continues a model uses it so that a rollback, or another writer, since it last looked is never
    /// overwritten. The version is stored either way; <see cref="ModelVersionInfo.IsCurrent"/> is
    /// <see langword="false"/> when the current version had moved, and the caller should reload it.
    /// </summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="expectedCurrentVersion">The current version the caller last saw, or <see langword="null"/> when the model had none.</param>
    /// <param name="modelType">The kind of model, for the loader.</param>
    /// <param name="data">The model's serialized parameters, not empty.</param>
    /// <param name="metrics">Performance metrics to keep with it (finite values).</param>
    /// <param name="parentVersions">Existing versions it was derived from.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <returns>The new version's metadata.</returns>
    /// <exception cref="ArgumentException">An argument is invalid, or a parent version does not exist.</exception>
    ValueTask<ModelVersionInfo> SaveIfCurrentAsync(
        string modelId,
        long? expectedCurrentVersion,
        string modelType,
        ReadOnlyMemory<byte> data,
        IReadOnlyDictionary<string, double>? metrics = null,
        IReadOnlyList<long>? parentVersions = null,
        CancellationToken cancellationToken = default);

    /// <summary>Loads a version of a model, verifying its content hash.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="version">The version, or <see langword="null"/> for the current one.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The model.</returns>
    /// <exception cref="KeyNotFoundException">The model or the version does not exist.</exception>
    /// <exception cref="ModelCorruptedException">The stored version is corrupt.</exception>
    ValueTask<StoredModel> LoadAsync(string modelId, long? version = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the current version of a model.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The current version, or <see langword="null"/> when the model has never been saved.</returns>
    ValueTask<long?> GetCurrentVersionAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>Lists every stored version of a model, oldest first; corrupt versions are listed with <see cref="ModelVersionInfo.Corruption"/> set.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The versions.</returns>
    /// <exception cref="KeyNotFoundException">The model does not exist.</exception>
    ValueTask<IReadOnlyList<ModelVersionInfo>> ListVersionsAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes an earlier (or any intact) version current again, by compare-and-swap on the current pointer;
    /// saves that began before the rollback do not become current afterwards.
    /// </summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="version">The version to make current.</param>
    /// <param name="cancellationToken">Cancels the rollback.</param>
    /// <returns>The version's metadata, now current.</returns>
    /// <exception cref="KeyNotFoundException">The model or the version does not exist.</exception>
    /// <exception cref="ModelCorruptedException">The version is corrupt; the current version is left unchanged.</exception>
    ValueTask<ModelVersionInfo> RollbackAsync(string modelId, long version, CancellationToken cancellationToken = default);

    /// <summary>Compares the metrics of two versions.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="baselineVersion">The version compared against.</param>
    /// <param name="candidateVersion">The version compared.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metrics side by side.</returns>
    ValueTask<ModelComparison> CompareAsync(string modelId, long baselineVersion, long candidateVersion, CancellationToken cancellationToken = default);
}
