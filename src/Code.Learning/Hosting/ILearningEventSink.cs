namespace Code.Learning.Hosting;

/// <summary>Feeds events to the learning loop through its bounded queue (<c>learning.event_queue_capacity</c>).</summary>
public interface ILearningEventSink
{
    /// <summary>Queues an event without waiting.</summary>
    /// <param name="learningEvent">The event.</param>
    /// <returns><see langword="false"/> when the queue is full or the loop is stopped or disabled: the event is dropped.</returns>
    bool TryPost(LearningEvent learningEvent);

    /// <summary>Queues an event, waiting while the queue is full (back-pressure).</summary>
    /// <param name="learningEvent">The event.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    /// <exception cref="InvalidOperationException">The loop is stopped or disabled.</exception>
    ValueTask PostAsync(LearningEvent learningEvent, CancellationToken cancellationToken = default);
}
