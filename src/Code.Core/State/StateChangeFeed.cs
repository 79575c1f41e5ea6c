using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Code.Core.State;

/// <summary>
/// The recent history of an embedded store's changes and the live watchers fed from it. The store
/// calls <see cref="Publish"/> for each write, in revision order, while it holds its write lock.
/// </summary>
/// <remarks>
/// History is a ring of the last <c>capacity</c> changes; a watch that starts before the oldest one
/// fails with <see cref="StateHistoryUnavailableException"/>. A watcher that falls more than
/// <c>capacity</c> changes behind is ended with the same exception rather than holding memory without bound.
/// </remarks>
internal sealed class StateChangeFeed
{
    private readonly Lock _gate = new();
    private readonly StateChange?[] _ring;
    private readonly List<Watcher> _watchers = [];
    private readonly int _watcherCapacity;
    private long _floor;
    private long _last;
    private bool _completed;

    /// <param name="historyCapacity">How many recent changes to keep for watches that start in the past.</param>
    /// <param name="currentRevision">The store's revision when the feed starts; older changes are not available.</param>
    public StateChangeFeed(int historyCapacity, long currentRevision)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyCapacity, 1);
        _ring = new StateChange?[historyCapacity];
        _watcherCapacity = historyCapacity;
        _floor = currentRevision;
        _last = currentRevision;
    }

    /// <summary>Records a change and hands it to every watcher of a matching prefix.</summary>
    public void Publish(StateChange change)
    {
        lock (_gate)
        {
            _last = change.Revision;
            if (StateLimits.IsReserved(change.Key))
            {
                // Lease records take revisions but are nobody's data: keep the history contiguous without them.
                _ring[change.Revision % _ring.Length] = null;
            }
            else
            {
                _ring[change.Revision % _ring.Length] = change;
                for (var i = _watchers.Count - 1; i >= 0; i--)
                {
                    var watcher = _watchers[i];
                    if (change.Revision > watcher.After
                        && change.Key.StartsWith(watcher.Prefix, StringComparison.Ordinal)
                        && !watcher.Channel.Writer.TryWrite(change))
                    {
                        watcher.Channel.Writer.TryComplete(new StateHistoryUnavailableException(
                            string.Create(CultureInfo.InvariantCulture, $"The watch of '{watcher.Prefix}' fell more than {_watcherCapacity} changes behind at revision {change.Revision}; scan again and watch from the current revision.")));
                        _watchers.RemoveAt(i);
                    }
                }
            }

            _floor = Math.Max(_floor, _last - _ring.Length);
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

    private Watcher Subscribe(string prefix, long afterRevision)
    {
        var watcher = new Watcher(prefix, afterRevision, Channel.CreateBounded<StateChange>(new BoundedChannelOptions(_watcherCapacity)
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
                    $"Changes after revision {from} are no longer held; this store keeps changes after revision {_floor} (current revision {_last}). Scan again and watch from the current revision."));
            }

            for (var revision = from + 1; revision <= _last; revision++)
            {
                var change = _ring[revision % _ring.Length];
                if (change is not null && change.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    watcher.Channel.Writer.TryWrite(change);
                }
            }

            _watchers.Add(watcher);
        }

        return watcher;
    }

    private sealed class Watcher(string prefix, long after, Channel<StateChange> channel)
    {
        public string Prefix { get; } = prefix;

        public long After { get; set; } = after;

        public Channel<StateChange> Channel { get; } = channel;
    }
}
