using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using StackExchange.Redis;

namespace Code.Core.State.Redis;

/// <content>Watches: the change log after a revision, woken by pub/sub or a one-second poll.</content>
internal sealed partial class RedisStateStore
{
    private async IAsyncEnumerable<StateChange> WatchCoreAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        using var wakeUp = new SemaphoreSlim(0);
        var subscriber = _connection.GetSubscriber();
        void OnChange(RedisChannel channel, RedisValue message)
        {
            try
            {
                if (wakeUp.CurrentCount == 0)
                {
                    wakeUp.Release();
                }
            }
            catch (ObjectDisposedException)
            {
                // The watch ended while this notification was on its way.
            }
        }

        await subscriber.SubscribeAsync(_changesChannel, OnChange).ConfigureAwait(false);
        try
        {
            var from = afterRevision == StateVersion.Latest ? await GetRevisionAsync(linked.Token).ConfigureAwait(false) : afterRevision;
            while (true)
            {
                var changes = await NextChangesAsync(from, linked.Token, cancellationToken).ConfigureAwait(false);
                if (changes is null)
                {
                    yield break;
                }

                foreach (var item in changes)
                {
                    var change = ParseChange((byte[])item.Element!);
                    from = change.Revision;
                    if (change.Key.StartsWith(prefix, StringComparison.Ordinal) && !StateLimits.IsReserved(change.Key))
                    {
                        yield return change;
                    }
                }

                if (changes.Length < 1000 && !await WaitForWakeUpAsync(wakeUp, linked.Token, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }
        }
        finally
        {
            // An owned connection closes with the store, and its subscriptions with it; a shared one is kept clean.
            if (!_ownsConnection || Volatile.Read(ref _disposed) == 0)
            {
                await subscriber.UnsubscribeAsync(_changesChannel, OnChange).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads the next changes; <see langword="null"/> when the store is closing (the caller's cancellation throws).</summary>
    private async Task<SortedSetEntry[]?> NextChangesAsync(long from, CancellationToken linked, CancellationToken caller)
    {
        try
        {
            var changes = await ReadChangesAsync(from, linked).ConfigureAwait(false);
            return FollowsOn(changes, from) ? changes : await RecheckChangesAsync(from, changes, linked).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClosing(e, caller))
        {
            return null;
        }
    }

    /// <summary>Waits for a wake-up or the poll interval; <see langword="false"/> when the store is closing.</summary>
    private async Task<bool> WaitForWakeUpAsync(SemaphoreSlim wakeUp, CancellationToken linked, CancellationToken caller)
    {
        try
        {
            await wakeUp.WaitAsync(PollInterval, linked).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (IsClosing(e, caller))
        {
            return false;
        }
    }

    /// <summary>Whether an exception in a watch comes from the store closing (the watch then ends) rather than from the caller or the server.</summary>
    private bool IsClosing(Exception exception, CancellationToken caller) =>
        !caller.IsCancellationRequested
        && (exception is OperationCanceledException || (exception is ObjectDisposedException && Volatile.Read(ref _disposed) != 0));

    private Task<SortedSetEntry[]> ReadChangesAsync(long from, CancellationToken cancellationToken) =>
        _database.SortedSetRangeByScoreWithScoresAsync(_logKey, from, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, 1000)
            .WaitAsync(cancellationToken);

    private static bool FollowsOn(SortedSetEntry[] changes, long from) => changes.Length > 0 && (long)changes[0].Score == from + 1;

    /// <summary>
    /// Handles a read of the change log that does not start right after <paramref name="from"/>: nothing new
    /// yet, a write seen half-done (Garnet does not hide a running script from other connections), or history
    /// trimmed away. Looks again a few times before concluding the last.
    /// </summary>
    private async Task<SortedSetEntry[]> RecheckChangesAsync(long from, SortedSetEntry[] changes, CancellationToken cancellationToken)
    {
        var revision = await GetRevisionAsync(cancellationToken).ConfigureAwait(false);
        if (revision <= from)
        {
            return [];
        }

        for (var attempt = 1; attempt <= 3 && !FollowsOn(changes, from); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken).ConfigureAwait(false);
            changes = await ReadChangesAsync(from, cancellationToken).ConfigureAwait(false);
        }

        if (FollowsOn(changes, from))
        {
            return changes;
        }

        var oldest = changes.Length > 0 ? (long)changes[0].Score : revision + 1;
        throw new StateHistoryUnavailableException(string.Create(
            CultureInfo.InvariantCulture,
            $"Changes after revision {from} are no longer held; the server keeps changes from revision {oldest} (current revision {revision}; at most {_historyCapacity} changes and {_limits.MaxHistoryBytes} bytes, memory.watch_history_size). Scan again and watch from the current revision."));
    }

    /// <summary>Parses a change-log member: <c>revision:keyLength:key</c>, then <c>P</c> and the stored value, or <c>D</c>.</summary>
    private StateChange ParseChange(byte[] member)
    {
        var span = member.AsSpan();
        var first = span.IndexOf((byte)':');
        var revision = long.Parse(span[..first], NumberStyles.None, CultureInfo.InvariantCulture);
        span = span[(first + 1)..];
        var second = span.IndexOf((byte)':');
        var keyLength = int.Parse(span[..second], NumberStyles.None, CultureInfo.InvariantCulture);
        var keyStart = first + 1 + second + 1;
        var key = Encoding.UTF8.GetString(member, keyStart, keyLength);
        var kind = member[keyStart + keyLength];
        if (kind == (byte)'D')
        {
            return new StateChange(revision, StateChangeKind.Delete, key, ReadOnlyMemory<byte>.Empty);
        }

        var stored = member.AsMemory(keyStart + keyLength + 1);
        return new StateChange(revision, StateChangeKind.Put, key, _codec.Decode(key, stored));
    }
}
