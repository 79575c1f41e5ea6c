using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Code.Core.Persistence.Protos;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Code.Core.Persistence;

/// <summary>
/// The <see cref="IAuditLog"/> in one append-only file (<c>&lt;core.data_dir&gt;/audit/audit.log</c>), or in
/// memory for ephemeral hosts. Each entry is a length-prefixed <see cref="AuditRecord"/> holding the
/// SHA-256 of the previous entry's bytes. The last acknowledged entry is anchored outside the log, in
/// <c>audit.log.head</c> (<see cref="AuditHeadAnchor"/>), so a cut-off or changed tail is detected too.
/// </summary>
/// <remarks>
/// An append writes its frame, flushes the log to disk, then writes and flushes the head: it is durable,
/// and acknowledged, when it returns. A failed append is undone (the log is cut back to the last
/// acknowledged entry) before the next one; if that fails too, the log refuses appends until reopened.
/// A log found damaged on open (an entry that breaks the chain, a log shorter than its head, an entry that
/// differs from its head) is left as it is: appends are refused and <see cref="VerifyAsync"/> names the damage.
/// </remarks>
internal sealed partial class FileAuditLog : IAuditLog, IDisposable
{
    private const int MaxFieldLength = 1024;
    private const int MaxDetails = 64;

    private readonly Stream _stream;
    private readonly AuditHeadAnchor? _anchor;
    private readonly string? _path;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuditHead _head = new(0, 0, AuditChain.GenesisHash.ToArray());
    private (long Sequence, string Problem)? _damage;
    private Exception? _failedUndo;

    /// <param name="path">The log file, or <see langword="null"/> to keep the log in memory.</param>
    /// <param name="timeProvider">The clock of entry timestamps.</param>
    /// <param name="logger">Where to report what opening found (a torn append set aside, damage); none when <see langword="null"/>.</param>
    public FileAuditLog(string? path, TimeProvider timeProvider, ILogger? logger = null)
        : this(path, timeProvider, logger ?? NullLogger.Instance, p => new FileStream(p, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read))
    {
    }

    /// <param name="path">The log file, or <see langword="null"/> to keep the log in memory.</param>
    /// <param name="timeProvider">The clock of entry timestamps.</param>
    /// <param name="logger">Where to report what opening found.</param>
    /// <param name="openLog">Opens the log file for reading and writing (tests pass a stream that fails on demand).</param>
    internal FileAuditLog(string? path, TimeProvider timeProvider, ILogger logger, Func<string, FileStream> openLog)
    {
        _path = path;
        _timeProvider = timeProvider;
        if (path is null)
        {
            _stream = new MemoryStream();
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = openLog(path);
        _anchor = AuditHeadAnchor.Open(path + ".head");
        try
        {
            Open(path, logger);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public async ValueTask<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        Validate(auditEvent);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCannotAppend();
            var record = new AuditRecord
            {
                Sequence = _head.Sequence + 1,
                TimestampUnixMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                Actor = auditEvent.Actor,
                Action = auditEvent.Action,
                Target = auditEvent.Target,
                Outcome = auditEvent.Outcome,
                PreviousHash = ByteString.CopyFrom(_head.Hash),
            };
            foreach (var (name, value) in auditEvent.Details)
            {
                record.Details[name] = value;
            }

            var bytes = record.ToByteArray();
            if (bytes.Length > AuditChain.MaxRecordBytes)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The audit entry is {bytes.Length} bytes; the limit is {AuditChain.MaxRecordBytes}."), nameof(auditEvent));
            }

            var frame = AuditChain.FrameOf(bytes);
            var head = new AuditHead(record.Sequence, _head.End + frame.Length, SHA256.HashData(bytes));
            try
            {
                _stream.Position = _head.End;
                _stream.Write(frame);
                (_stream as FileStream)?.Flush(flushToDisk: true);
                _anchor?.Write(head);
            }
            catch (Exception e)
            {
                Undo(e);
                throw;
            }

            _head = head;
            return new AuditEntry(record.Sequence, DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampUnixMs), auditEvent, Convert.ToHexStringLower(head.Hash));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async IAsyncEnumerable<AuditEntry> ReadAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (reader, head) = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using (reader)
        {
            // Up to the acknowledged end: an append in progress is not read half-written.
            var limit = _damage is null ? head.End : reader.Length;
            foreach (var frame in AuditChain.Frames(reader, limit))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (frame.Bytes is null || AuditChain.TryParse(frame.Bytes) is not { } record)
                {
                    throw new InvalidDataException(
                        string.Create(CultureInfo.InvariantCulture, $"The audit log is damaged at byte {frame.Start}; run VerifyAsync for the first broken entry."));
                }

                if (record.Sequence > afterSequence)
                {
                    yield return ToEntry(record, SHA256.HashData(frame.Bytes));
                }
            }
        }
    }

    public async ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        // Holds the gate throughout, so the log is not appended to while it is checked against its head.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var reader = OpenReader();
            var walk = AuditChain.Check(reader, reader.Length);
            if (walk.Problem is not null)
            {
                return Broken(walk.Entries, walk.Entries + 1, walk.Problem, walk.HeadHash);
            }

            var anchor = _path is null ? "the head" : Path.GetFileName(_path) + ".head";
            if (walk.Entries < _head.Sequence)
            {
                return Broken(walk.Entries, walk.Entries + 1, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the log ends after entry {walk.Entries}, but entries up to {_head.Sequence} were acknowledged ({anchor}): entries were cut off or removed from the end"), walk.HeadHash);
            }

            if (walk.Entries > _head.Sequence)
            {
                return Broken(_head.Sequence, _head.Sequence + 1, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the log holds {walk.Entries} entries, but only {_head.Sequence} were appended by this log ({anchor}): entries were added from outside"), walk.HeadHash);
            }

            if (!walk.HeadHash.AsSpan().SequenceEqual(_head.Hash))
            {
                var previous = walk.Entries <= 1 ? AuditChain.GenesisHash.ToArray() : AuditChain.Check(reader, reader.Length, walk.Entries - 1).HeadHash;
                return Broken(walk.Entries - 1, walk.Entries, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the entry differs from the entry acknowledged as {walk.Entries} (its hash does not match {anchor}): it was changed"), previous);
            }

            return new AuditVerification(true, walk.Entries, null, null, walk.Entries == 0 ? string.Empty : Convert.ToHexStringLower(walk.HeadHash));
        }
        finally
        {
            _gate.Release();
        }

        static AuditVerification Broken(long verified, long first, string problem, byte[] lastGoodHash) =>
            new(false, verified, first, problem, verified == 0 ? string.Empty : Convert.ToHexStringLower(lastGoodHash));
    }

    public void Dispose()
    {
        _stream.Dispose();
        _anchor?.Dispose();
        _gate.Dispose();
    }

    private async Task<(Stream Reader, AuditHead Head)> OpenReaderAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (OpenReader(), _head);
        }
        finally
        {
            _gate.Release();
        }
    }

    private Stream OpenReader() =>
        _path is null
            ? new MemoryStream(((MemoryStream)_stream).ToArray(), writable: false)
            : new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

    private static void Validate(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        Field(auditEvent.Actor, "actor");
        Field(auditEvent.Action, "action");
        Field(auditEvent.Target, "target");
        Field(auditEvent.Outcome, "outcome");
        ArgumentNullException.ThrowIfNull(auditEvent.Details, nameof(auditEvent));
        if (auditEvent.Details.Count > MaxDetails)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"An audit entry holds at most {MaxDetails} details."), nameof(auditEvent));
        }

        static void Field(string value, string name)
        {
            if (string.IsNullOrEmpty(value) || value.Length > MaxFieldLength)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The audit entry's {name} must be 1 to {MaxFieldLength} characters."), nameof(auditEvent));
            }
        }
    }

    private static AuditEntry ToEntry(AuditRecord record, byte[] hash) =>
        new(
            record.Sequence,
            DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampUnixMs),
            new AuditEvent(record.Actor, record.Action, record.Target, record.Outcome) { Details = new Dictionary<string, string>(record.Details) },
            Convert.ToHexStringLower(hash));
}
