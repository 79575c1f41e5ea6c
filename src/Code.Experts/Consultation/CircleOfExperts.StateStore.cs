using Code.Experts.Diagnostics;

namespace Code.Experts.Consultation;

/// <summary>
/// The circle's state-store calls. None fails a consultation (a failing store is logged and the circle goes on with
/// the prior reliability, no cache and no record), and none holds it past its deadline: a read still pending at the
/// deadline is given up (a store that ignores its token included), a write still pending is left to finish in the
/// background.
/// </summary>
internal sealed partial class CircleOfExperts
{
    /// <summary>Reads from the store until the deadline; a failure or the deadline gives <see langword="default"/>.</summary>
    private async Task<T?> StoreReadAsync<T>(string operation, Func<CancellationToken, Task<T>> read, CancellationToken deadline, CancellationToken caller)
    {
        try
        {
            return await read(deadline).WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !caller.IsCancellationRequested)
        {
            ExpertsLog.StoreFailed(_logger, operation, exception);
            return default;
        }
    }

    /// <summary>
    /// Writes to the store, waiting at most until the deadline. The write itself is not cut at the deadline (only by
    /// the caller's cancellation), so a slow store still gets the record; its failure is logged.
    /// </summary>
    private async Task StoreWriteAsync(string operation, Func<CancellationToken, Task> write, CancellationToken deadline, CancellationToken caller)
    {
        var written = WriteLoggedAsync(operation, write, caller);
        try
        {
            await written.WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !caller.IsCancellationRequested)
        {
            ExpertsLog.StoreWriteOutlivedDeadline(_logger, operation);
        }

        caller.ThrowIfCancellationRequested();
    }

    private async Task WriteLoggedAsync(string operation, Func<CancellationToken, Task> write, CancellationToken caller)
    {
        try
        {
            await write(caller).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !caller.IsCancellationRequested)
        {
            ExpertsLog.StoreFailed(_logger, operation, exception);
        }
        catch (OperationCanceledException)
        {
            // The caller cancelled; StoreWriteAsync throws for it.
        }
    }
}
