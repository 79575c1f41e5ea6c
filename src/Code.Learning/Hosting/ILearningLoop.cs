namespace Code.Learning.Hosting;

/// <summary>Control of the learning loop beyond feeding it events.</summary>
public interface ILearningLoop
{
    /// <summary>
    /// Replaces the live models with the registry's current versions (for example after
    /// <c>IModelRegistry.RollbackAsync</c>); what was learned since the last checkpoint is dropped.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reload.</param>
    /// <returns>A task that completes when the models are replaced.</returns>
    Task ReloadAsync(CancellationToken cancellationToken = default);

    /// <summary>Checkpoints the models that changed now, without waiting for <c>learning.model_update_interval</c>.</summary>
    /// <param name="cancellationToken">Cancels the checkpoint.</param>
    /// <returns>A task that completes when the checkpoint is written (failures are logged, and the previous versions stay current).</returns>
    Task CheckpointAsync(CancellationToken cancellationToken = default);
}
