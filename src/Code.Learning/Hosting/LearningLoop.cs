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
internal sealed partial class LearningLoop : BackgroundService, ILearningEventSink, ILearningLoop
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
}
