using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Code.Core.State;

/// <summary>
/// The recent history of an embedded store's changes and the live watchers fed from it. The store
/// calls <see cref="Publish"/> for each write, in revision order, while it holds its write lock.
/// </summary>
/// <remarks>
/// History holds the last <c>capacity</c> changes, and no more than <c>maxBytes</c> of their keys and
/// values (the newest change is always held); a watch that starts before the oldest one held fails with
/// <see cref="StateHistoryUnavailableException"/>. A watcher with more than <c>capacity</c> changes or
/// <c>maxBytes</c> queued and unread is ended with the same exception rather than holding memory without bound.
/// </remarks>
internal sealed class StateChangeFeed
{
    private readonly Lock _gate = new();
    private readonly Queue<(long Revision, StateChange? Change)> _history = new();
    private readonly List<Watcher> _watchers = [];
    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _historyBytes;
    private long _floor;
    private long _last;
    private bool _completed;

    /// <param name="historyCapacity">How many recent changes to keep for watches that start in the past.</param>
    /// <param name="currentRevision">The store's revision when the feed starts; older changes are not available.</param>
    /// <param name="maxHistoryBytes">The most bytes of keys and values the history holds, and a watcher may have queued (<see cref="StateLimits.MaxHistoryBytes"/>).</param>
    public StateChangeFeed(int historyCapacity, long currentRevision, long maxHistoryBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHistoryBytes, 1);
        _capacity = historyCapacity;
        _maxBytes = maxHistoryBytes;
        _floor = currentRevision;
        _last = currentRevision;
    }

    /// <summary>Gets the bytes of keys and values the history holds now.</summary>
    public long HistoryBytes
    {
        get
        {
            lock (_gate)
            {
                return _historyBytes;
            }
        }
    }

    /// <summary>Records a change and hands it to every watcher of a matching prefix.</summary>
    public void Publish(StateChange change)
    {
        lock (_gate)
        {
            _last = change.Revision;

            // Lease records take revisions but are nobody's data: keep the history contiguous without them.
            var data = StateLimits.IsReserved(change.Key) ? null : change;
            var size = data is null ? 0 : StateLimits.HistoryBytes(data);
            _history.Enqueue((change.Revision, data));
            _historyBytes += size;
            while (_history.Count > _capacity || (_historyBytes > _maxBytes && _history.Count > 1))
            {
                var (revision, dropped) = _history.Dequeue();
                _historyBytes -= dropped is null ? 0 : StateLimits.HistoryBytes(dropped);
                _floor = revision;
            }

            if (data is not null)
            {
                Deliver(data, size);
            }
        }
    }

    /// <summary>Streams the changes after <paramref name="afterRevision"/> (or from now, for <see cref="StateVersion.Latest"/>).</summary>
    public async IAsyncEnumerable<StateChange> WatchAsync(
        string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watcher = Subscribe(prefix, afterRevision);
        try
        {
            while (await watcher.Channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (watcher.Channel.Reader.TryRead(out var change))
                {
                    Interlocked.Add(ref watcher.QueuedBytes, -StateLimits.HistoryBytes(change));
                    yield return change;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    /// <summary>Ends every watch (the store is closing).</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            foreach (var watcher in _watchers)
            {
                watcher.Channel.Writer.TryComplete();
            }

            _watchers.Clear();
        }
    }

    /// <summary>Queues a change for every watcher of its prefix; ends the watchers that are too far behind. Runs under the gate.</summary>
    private void Deliver(StateChange change, long size)
    {
        for (var i = _watchers.Count - 1; i >= 0; i--)
        {
            var watcher = _watchers[i];
            if (change.Revision <= watcher.After || !change.Key.StartsWith(watcher.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var queued = Volatile.Read(ref watcher.QueuedBytes);
            if ((queued > 0 && queued + size > _maxBytes) || !watcher.Channel.Writer.TryWrite(change))
            {
                watcher.Channel.Writer.TryComplete(new StateHistoryUnavailableException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The watch of '{watcher.Prefix}' fell behind by more than {_capacity} changes or {_maxBytes} bytes (memory.watch_history_size) at revision {change.Revision}; scan again and watch from the current revision.")));
                _watchers.RemoveAt(i);
                continue;
            }

            Interlocked.Add(ref watcher.QueuedBytes, size);
        }
    }

    private Watcher Subscribe(string prefix, long afterRevision)
    {
        var watcher = new Watcher(prefix, Channel.CreateBounded<StateChange>(new BoundedChannelOptions(_capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            var from = afterRevision == StateVersion.Latest ? _last : afterRevision;
            watcher.After = from;
            if (from < _floor)
            {
                throw new StateHistoryUnavailableException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Changes after revision {from} are no longer held; this store keeps changes after revision {_floor} (current revision {_last}; at most {_capacity} changes and {_maxBytes} bytes, memory.watch_history_size). Scan again and watch from the current revision."));
            }

            // The history holds at most capacity changes and maxBytes, so the replay fits the watcher's queue.
            foreach (var (revision, change) in _history)
            {
                if (revision > from && change is not null && change.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    watcher.Channel.Writer.TryWrite(change);
                    watcher.QueuedBytes += StateLimits.HistoryBytes(change);
                }
            }

            _watchers.Add(watcher);
        }

        return watcher;
    }

    private sealed class Watcher(string prefix, Channel<StateChange> channel)
    {
        /// <summary>The bytes of keys and values queued for the reader and not yet read; written under the feed's gate, read back by the reader.</summary>
        public long QueuedBytes;

        public string Prefix { get; } = prefix;

        public long After { get; set; }

        public Channel<StateChange> Channel { get; } = channel;
    }
}
