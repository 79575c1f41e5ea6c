using Code.Learning.Diagnostics;
using Code.Learning.Registry;
using Code.Learning.Sequences;
using Code.Learning.Supervised;

namespace Code.Learning.Hosting;

/// <content>
/// Checkpoints and loads: each model is saved as a child of its last checkpoint, only over the registry
/// version the loop last saw (a rollback or another writer's version is adopted instead), and loaded from
/// the newest intact version.
/// </content>
internal sealed partial class LearningLoop
{
    private async Task CheckpointModelsAsync(CancellationToken cancellationToken)
    {
        var processed = _models.EventsProcessed;
        if (processed == _checkpointedAt)
        {
            return;
        }

        var risk = _models.CurrentRisk.Model;
        var quality = risk.Quality;
        var metrics = new Dictionary<string, double> { ["examples"] = quality.Examples };
        if (quality.Examples > 0)
        {
            metrics["accuracy"] = quality.Accuracy;
            metrics["log_loss"] = quality.LogLoss;
            metrics["brier_score"] = quality.BrierScore;
            metrics["calibration_error"] = quality.CalibrationError;
        }

        var saved = await CheckpointAsync(_risk, FtrlLogisticRegression.ModelType, risk.Serialize(), metrics, LoadRiskAsync, cancellationToken).ConfigureAwait(false);
        var sequences = _models.ToolSequences;
        saved |= await CheckpointAsync(
            _sequences, MarkovSequenceModel.ModelType, sequences.Serialize(), new Dictionary<string, double> { ["symbols"] = sequences.SymbolCount }, LoadSequencesAsync, cancellationToken).ConfigureAwait(false);
        if (saved)
        {
            LearningDiagnostics.Checkpoints.Add(1);
        }

        _checkpointedAt = processed;
    }

    /// <summary>
    /// Saves one model as a child of its last checkpoint, by compare-and-swap on the registry's current
    /// version: when that moved since the loop last loaded or saved the model (a rollback, or another
    /// writer), the loop adopts the registry's version instead of overwriting it.
    /// </summary>
    private async Task<bool> CheckpointAsync(
        CheckpointedModel model, string modelType, byte[] data, Dictionary<string, double> metrics, Func<CancellationToken, Task> reload, CancellationToken cancellationToken)
    {
        var current = await _registry.GetCurrentVersionAsync(model.Id, cancellationToken).ConfigureAwait(false);
        if (current == model.Current)
        {
            var saved = await _registry.SaveIfCurrentAsync(model.Id, model.Current, modelType, data, metrics, Parents(model.Version), cancellationToken).ConfigureAwait(false);
            if (saved.IsCurrent)
            {
                model.Version = saved.Version;
                model.Current = saved.Version;
                LearningLoopLog.Checkpointed(_logger, model.Id, saved.Version);
                return true;
            }

            // Rolled back while the save ran: the version is kept, not current.
            current = await _registry.GetCurrentVersionAsync(model.Id, cancellationToken).ConfigureAwait(false);
        }

        LearningLoopLog.RolledBack(_logger, model.Id, current ?? 0);
        await reload(cancellationToken).ConfigureAwait(false);
        return false;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadRiskAsync(cancellationToken).ConfigureAwait(false);
        await LoadSequencesAsync(cancellationToken).ConfigureAwait(false);
        _checkpointedAt = _models.EventsProcessed;
    }

    private async Task LoadRiskAsync(CancellationToken cancellationToken)
    {
        var risk = await LoadNewestIntactAsync(_risk, cancellationToken).ConfigureAwait(false);
        _models.ReplaceRisk(risk is null ? new FtrlLogisticRegression(_models.RiskOptions) : FtrlLogisticRegression.Deserialize(risk.Data.Span));
    }

    private async Task LoadSequencesAsync(CancellationToken cancellationToken)
    {
        var sequences = await LoadNewestIntactAsync(_sequences, cancellationToken).ConfigureAwait(false);
        _models.ReplaceSequences(sequences is null ? new MarkovSequenceModel(_models.SequenceOrder) : MarkovSequenceModel.Deserialize(sequences.Data));
    }

    /// <summary>
    /// The current version, or when it is unreadable the newest older version that is intact; remembers the
    /// current version seen (the next checkpoint replaces only that) and the version loaded (its parent).
    /// </summary>
    private async Task<StoredModel?> LoadNewestIntactAsync(CheckpointedModel checkpointed, CancellationToken cancellationToken)
    {
        var modelId = checkpointed.Id;
        var current = await _registry.GetCurrentVersionAsync(modelId, cancellationToken).ConfigureAwait(false);
        checkpointed.Current = current;
        checkpointed.Version = 0;
        for (var version = current ?? 0; version >= 1; version--)
        {
            try
            {
                var model = await _registry.LoadAsync(modelId, version, cancellationToken).ConfigureAwait(false);
                Validate(model);
                LearningLoopLog.ModelLoaded(_logger, modelId, version);
                checkpointed.Version = version;
                return model;
            }
            catch (Exception ex) when (ex is ModelCorruptedException or InvalidDataException or KeyNotFoundException)
            {
                LearningLoopLog.ModelUnreadable(_logger, modelId, version, ex);
            }
        }

        return null;
    }

    private static void Validate(StoredModel model)
    {
        switch (model.Info.ModelType)
        {
            case FtrlLogisticRegression.ModelType:
                _ = FtrlLogisticRegression.Deserialize(model.Data.Span);
                break;
            case MarkovSequenceModel.ModelType:
                _ = MarkovSequenceModel.Deserialize(model.Data);
                break;
            default:
                throw new InvalidDataException($"Model '{model.Info.ModelId}' version {model.Info.Version} has type '{model.Info.ModelType}', which the learning loop does not load.");
        }
    }

    private static long[] Parents(long version) => version > 0 ? [version] : [];

    /// <summary>What the loop knows of one model in the registry.</summary>
    private sealed class CheckpointedModel(string id)
    {
        public string Id { get; } = id;

        /// <summary>Gets or sets the version the live model was loaded from or last saved as (the next checkpoint's parent; 0 for none).</summary>
        public long Version { get; set; }

        /// <summary>Gets or sets the registry's current version when the loop last loaded or saved the model.</summary>
        public long? Current { get; set; }
    }
}
