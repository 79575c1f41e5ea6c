using System.Diagnostics;
using System.Threading.Channels;
using Code.Core.Configuration;
using Code.Learning.Adaptation;
using Code.Learning.Diagnostics;
using Code.Learning.Registry;
using Code.Learning.Sequences;
using Code.Learning.Supervised;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Code.Learning.Hosting;

/// <summary>
/// The learning loop: consumes events from a bounded channel (<c>learning.event_queue_capacity</c>), folds
/// them into the models in batches of up to <c>learning.batch_size</c>, and checkpoints changed models to
/// the model registry every <c>learning.model_update_interval</c> seconds and on shutdown (after draining
/// the queue). At start it loads the current checkpoint, falling back to older versions when one is corrupt.
/// </summary>
internal sealed class LearningLoop : BackgroundService, ILearningEventSink, ILearningLoop
{
    private readonly Channel<LearningEvent> _channel;
    private readonly LearningModels _models;
    private readonly IModelRegistry _registry;
    private readonly AdaptationEngine? _adaptation;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Core.Configuration.LearningOptions _settings;
    private readonly CodeLearningOptions _options;
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private readonly CheckpointedModel _risk;
    private readonly CheckpointedModel _sequences;
    private long _checkpointedAt;

    public LearningLoop(
        IOptions<CodeOptions> codeOptions,
        IOptions<CodeLearningOptions> options,
        LearningModels models,
        IModelRegistry registry,
        TimeProvider time,
        AdaptationEngine? adaptation = null,
        ILogger<LearningLoop>? logger = null)
    {
        _adaptation = adaptation;
        _settings = codeOptions.Value.Learning;
        _options = options.Value;
        _risk = new CheckpointedModel(_options.RiskModelId);
        _sequences = new CheckpointedModel(_options.SequenceModelId);
        _models = models;
        _registry = registry;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _channel = Channel.CreateBounded<LearningEvent>(new BoundedChannelOptions(_settings.EventQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public bool TryPost(LearningEvent learningEvent)
    {
        ArgumentNullException.ThrowIfNull(learningEvent);
        return _settings.Enabled && _channel.Writer.TryWrite(learningEvent);
    }

    public ValueTask PostAsync(LearningEvent learningEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(learningEvent);
        if (!_settings.Enabled)
        {
            throw new InvalidOperationException("The learning loop is disabled (learning.enabled = false); events are not accepted.");
        }

        return WriteAsync(learningEvent, cancellationToken);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_settings.Enabled)
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            LearningLoopLog.Disabled(_logger);
            _channel.Writer.TryComplete();
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_settings.Enabled)
        {
            return;
        }

        // Fold what is still queued, then write the final checkpoint.
        _channel.Writer.TryComplete();
        var batch = new List<LearningEvent>(_settings.BatchSize);
        while (_channel.Reader.TryRead(out var item))
        {
            batch.Add(item);
            if (batch.Count == _settings.BatchSize)
            {
                Train(batch);
                batch.Clear();
            }
        }

        Train(batch);
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _checkpointGate.Dispose();
        base.Dispose();
    }

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>Writes the models that changed since the last checkpoint to the registry.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        using var activity = LearningDiagnostics.ActivitySource.HasListeners() ? LearningDiagnostics.ActivitySource.StartActivity("code.learning.checkpoint") : null;
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckpointModelsAsync(cancellationToken).ConfigureAwait(false);
            if (_adaptation is not null)
            {
                await _adaptation.CheckpointAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            LearningLoopLog.CheckpointFailed(_logger, ex);
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_settings.Enabled)
        {
            return;
        }

        var checkpoints = CheckpointPeriodicallyAsync(stoppingToken);
        var batch = new List<LearningEvent>(_settings.BatchSize);
        try
        {
            while (await _channel.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < _settings.BatchSize && _channel.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                Train(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync drains the queue and checkpoints.
        }

        await checkpoints.ConfigureAwait(false);
    }

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

    private async Task CheckpointPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_settings.ModelUpdateInterval), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckpointAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Train(List<LearningEvent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow();
        var applied = 0;
        foreach (var item in batch)
        {
            try
            {
                _models.Apply(item, now);
                applied++;
            }
            catch (Exception ex)
            {
                // Whatever one event throws (bad input, a host's collection that fails when read, a model's
                // own check), it is counted and logged; the loop goes on with the next event. The models
                // compute an update in full before writing it, so a failed event leaves them unchanged.
                _models.CountRejected();
                LearningLoopLog.EventRejected(_logger, item.GetType().Name, ex);
            }
        }

        LearningDiagnostics.TrainingTime.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        LearningDiagnostics.DataProcessed.Add(applied);
    }

    private async ValueTask WriteAsync(LearningEvent learningEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Writer.WriteAsync(learningEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new InvalidOperationException("The learning loop has stopped; events are no longer accepted.", ex);
        }
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
