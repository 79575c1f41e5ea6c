using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using FASTER.core;

namespace Code.Core.State.Faster;

/// <summary>
/// The FASTER store's write-ahead log: a <see cref="FasterLog"/> whose entries carry a checksum, with
/// real group commit. Writers append (in revision order, under the store's write lock) and get a task
/// that completes when their entry is on disk; one committer issues a single commit for everything
/// appended while the previous commit ran, then completes that batch's one shared task.
/// </summary>
internal sealed class GroupCommitLog : IAsyncDisposable
{
    /// <summary>Gets or sets the instruments the flushes are recorded on (the owning store's).</summary>
    internal StateStoreMetrics StateStoreMetrics { get; set; } = StateStoreMetrics.Shared;

    private const int ChecksumSize = sizeof(ulong);

    private readonly FasterLog _log;
    private readonly IDevice _device;
    private readonly SingleFileLogCommitManager _commits;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Task _committer;
    private TaskCompletionSource? _batch;
    private int _batchSize;
    private Exception? _fault;
    private bool _stopping;

    private GroupCommitLog(string directory, int pageSizeBits)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        _device = Devices.CreateLogDevice(Path.Combine(directory, "wal.log"), preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        _commits = new SingleFileLogCommitManager(Path.Combine(directory, "wal.commit"));
        _log = new FasterLog(new FasterLogSettings
        {
            LogDevice = _device,
            LogCommitManager = _commits,
            PageSizeBits = pageSizeBits,
            MemorySizeBits = pageSizeBits + 2,
            SegmentSizeBits = Math.Max(pageSizeBits + 2, 26),
            AutoCommit = false,
            TryRecoverLatest = true,
        });
        _committer = Task.Run(CommitLoopAsync);
    }

    /// <summary>Gets the log's directory.</summary>
    public string Directory { get; }

    /// <summary>Gets the address the next entry will take.</summary>
    public long TailAddress => _log.TailAddress;

    /// <summary>Gets the address of the oldest entry still held.</summary>
    public long BeginAddress => _log.BeginAddress;

    /// <summary>Gets the largest payload one entry may hold.</summary>
    public int MaxPayloadBytes { get; private init; }

    /// <summary>Opens (recovering to its last commit) or creates the log in <paramref name="directory"/>.</summary>
    /// <param name="directory">The log's directory.</param>
    /// <param name="maxPayloadBytes">The largest payload an entry must hold; sets the page size.</param>
    public static GroupCommitLog Open(string directory, int maxPayloadBytes)
    {
        var pageSizeBits = Math.Max(20, (int)Math.Ceiling(Math.Log2(maxPayloadBytes + ChecksumSize + 64)) + 1);
        return new GroupCommitLog(directory, pageSizeBits) { MaxPayloadBytes = (1 << (pageSizeBits - 1)) - 64 };
    }

    /// <summary>
    /// Appends one entry. Callers serialize their calls (the store's write lock), so entries are in call order.
    /// </summary>
    /// <returns>A task that completes when the entry is durable, or faults when the log cannot be written.</returns>
    public Task Append(ReadOnlySpan<byte> payload)
    {
        var entry = new byte[ChecksumSize + payload.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(entry, XxHash64.HashToUInt64(payload));
        payload.CopyTo(entry.AsSpan(ChecksumSize));

        lock (_gate)
        {
            if (_fault is not null)
            {
                throw new IOException("The state store's write-ahead log failed earlier; reopen the store.", _fault);
            }

            ObjectDisposedException.ThrowIf(_stopping, this);
            _log.Enqueue(entry);
            _batchSize++;
            if (_batch is null)
            {
                // The first entry of a new batch: every entry until the committer takes the batch shares its task.
                _batch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _signal.Release();
            }

            return _batch.Task;
        }
    }

    /// <summary>Commits every entry appended so far (a checkpoint's log position must never be ahead of the durable log).</summary>
    public async Task CommitAppendedAsync()
    {
        if (_log.CommittedUntilAddress < _log.TailAddress)
        {
            await _log.CommitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drops entries before <paramref name="address"/> (they are covered by a checkpoint).</summary>
    public void TruncateUntil(long address)
    {
        if (address > _log.BeginAddress)
        {
            _log.TruncateUntil(address);
        }
    }

    /// <summary>
    /// Reads the entries from <paramref name="fromAddress"/> to the committed tail, verifying each checksum,
    /// and hands each payload to <paramref name="apply"/>, which returns <see langword="false"/> for a payload
    /// it cannot use. Stops at the first bad entry.
    /// </summary>
    /// <returns>The address of the first bad entry and the bytes from there to the tail, or <see langword="null"/> when all were good.</returns>
    public StateLogDamage? Replay(long fromAddress, Func<ReadOnlyMemory<byte>, bool> apply)
    {
        var tail = _log.CommittedUntilAddress;
        var from = Math.Max(fromAddress, _log.BeginAddress);
        if (from >= tail)
        {
            return null;
        }

        var position = from;
        try
        {
            using var iterator = _log.Scan(from, tail);
            while (iterator.GetNext(out byte[] entry, out var length, out var current, out var next))
            {
                position = current;
                if (length < ChecksumSize)
                {
                    return new StateLogDamage(current, tail - current, "an entry shorter than its checksum");
                }

                var payload = entry.AsMemory(ChecksumSize, length - ChecksumSize);
                if (BinaryPrimitives.ReadUInt64LittleEndian(entry) != XxHash64.HashToUInt64(payload.Span))
                {
                    return new StateLogDamage(current, tail - current, "a checksum mismatch");
                }

                if (!apply(payload))
                {
                    return new StateLogDamage(current, tail - current, "a record that does not follow its predecessor");
                }

                position = next;
            }
        }
        catch (Exception e) when (e is FasterException or IOException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            return new StateLogDamage(position, tail - position, $"an unreadable entry ({e.GetType().Name}: {e.Message})");
        }

        return position < tail ? new StateLogDamage(position, tail - position, "a log that ends before its committed tail") : null;
    }

    /// <summary>Makes every appended entry durable and stops the committer.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        _signal.Release();
        await _committer.ConfigureAwait(false);
        _log.Dispose();
        _device.Dispose();
        _commits.Dispose();
        _signal.Dispose();
    }

    private async Task CommitLoopAsync()
    {
        while (true)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            TaskCompletionSource? batch;
            int size;
            bool stopping;
            lock (_gate)
            {
                batch = _batch;
                size = _batchSize;
                _batch = null;
                _batchSize = 0;
                stopping = _stopping;
            }

            if (batch is not null)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await _log.CommitAsync().ConfigureAwait(false);
                    StateStoreMetrics.Flush(size, Stopwatch.GetElapsedTime(start));
                    batch.TrySetResult();
                }
                catch (Exception e) when (e is IOException or FasterException or ObjectDisposedException or InvalidOperationException)
                {
                    lock (_gate)
                    {
                        _fault = e;
                    }

                    batch.TrySetException(new IOException("The write could not be made durable: the state store's write-ahead log failed.", e));
                }
            }

            if (stopping)
            {
                lock (_gate)
                {
                    if (_batch is null)
                    {
                        return;
                    }
                }
            }
        }
    }
}
