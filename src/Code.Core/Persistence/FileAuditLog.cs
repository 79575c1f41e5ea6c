using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Code.Core.Persistence.Protos;
using Google.Protobuf;

namespace Code.Core.Persistence;

/// <summary>
/// The <see cref="IAuditLog"/> in one append-only file (<c>&lt;core.data_dir&gt;/audit/audit.log</c>), or in
/// memory for ephemeral hosts. Each entry is a length-prefixed <see cref="AuditRecord"/> holding the
/// SHA-256 of the previous entry's bytes; appends are flushed to disk before they return.
/// </summary>
internal sealed class FileAuditLog : IAuditLog, IDisposable
{
    private const int MaxFieldLength = 1024;
    private const int MaxDetails = 64;
    private const int MaxRecordBytes = 256 * 1024;
    private static readonly byte[] GenesisHash = new byte[32];

    private readonly Stream _stream;
    private readonly string? _path;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastSequence;
    private byte[] _lastHash = GenesisHash;

    /// <param name="path">The log file, or <see langword="null"/> to keep the log in memory.</param>
    /// <param name="timeProvider">The clock of entry timestamps.</param>
    public FileAuditLog(string? path, TimeProvider timeProvider)
    {
        _path = path;
        _timeProvider = timeProvider;
        if (path is null)
        {
            _stream = new MemoryStream();
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        long end = 0;
        foreach (var frame in Frames(_stream))
        {
            if (frame.Bytes is null)
            {
                break;
            }

            end = frame.End;
            _lastHash = SHA256.HashData(frame.Bytes);
            _lastSequence = TryParse(frame.Bytes)?.Sequence ?? _lastSequence + 1;
        }

        if (end < _stream.Length)
        {
            // A torn last append (the process died mid-write) was never acknowledged. It is cut off so the
            // next entry is framed correctly, but its bytes are kept beside the log, not destroyed.
            var torn = new byte[_stream.Length - end];
            _stream.Position = end;
            _stream.ReadExactly(torn);
            File.WriteAllBytes(string.Create(CultureInfo.InvariantCulture, $"{path}.torn-{end}"), torn);
            _stream.SetLength(end);
        }

        _stream.Position = end;
    }

    public async ValueTask<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        Validate(auditEvent);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var timestamp = _timeProvider.GetUtcNow();
            var record = new AuditRecord
            {
                Sequence = _lastSequence + 1,
                TimestampUnixMs = timestamp.ToUnixTimeMilliseconds(),
                Actor = auditEvent.Actor,
                Action = auditEvent.Action,
                Target = auditEvent.Target,
                Outcome = auditEvent.Outcome,
                PreviousHash = ByteString.CopyFrom(_lastHash),
            };
            foreach (var (name, value) in auditEvent.Details)
            {
                record.Details[name] = value;
            }

            var bytes = record.ToByteArray();
            if (bytes.Length > MaxRecordBytes)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The audit entry is {bytes.Length} bytes; the limit is {MaxRecordBytes}."), nameof(auditEvent));
            }

            var frame = new byte[4 + bytes.Length];
            BinaryPrimitives.WriteInt32LittleEndian(frame, bytes.Length);
            bytes.CopyTo(frame, 4);
            await _stream.WriteAsync(frame, CancellationToken.None).ConfigureAwait(false);
            if (_stream is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }

            _lastHash = SHA256.HashData(bytes);
            _lastSequence = record.Sequence;
            return new AuditEntry(record.Sequence, DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampUnixMs), auditEvent, Convert.ToHexStringLower(_lastHash));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async IAsyncEnumerable<AuditEntry> ReadAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        foreach (var frame in Frames(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (frame.Bytes is null || TryParse(frame.Bytes) is not { } record)
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

    public async ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        using var reader = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var previous = GenesisHash;
        long verified = 0;
        foreach (var frame in Frames(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var expected = verified + 1;
            string? problem = null;
            var record = frame.Bytes is null ? null : TryParse(frame.Bytes);
            if (frame.Bytes is null)
            {
                problem = "the entry is cut off";
            }
            else if (record is null)
            {
                problem = "the entry is not a valid audit record";
            }
            else if (record.Sequence != expected)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"the entry has sequence number {record.Sequence} (an entry was removed, inserted or reordered)");
            }
            else if (!record.PreviousHash.Span.SequenceEqual(previous))
            {
                problem = "the entry does not link to the hash of the entry before it (this or the previous entry was changed)";
            }

            if (problem is not null)
            {
                return new AuditVerification(false, verified, expected, problem, Convert.ToHexStringLower(previous));
            }

            previous = SHA256.HashData(frame.Bytes!);
            verified++;
        }

        return new AuditVerification(true, verified, null, null, verified == 0 ? string.Empty : Convert.ToHexStringLower(previous));
    }

    public void Dispose()
    {
        _stream.Dispose();
        _gate.Dispose();
    }

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

    private async Task<Stream> OpenReaderAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_path is null)
            {
                return new MemoryStream(((MemoryStream)_stream).ToArray(), writable: false);
            }

            return new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static AuditRecord? TryParse(byte[] bytes)
    {
        try
        {
            return AuditRecord.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static AuditEntry ToEntry(AuditRecord record, byte[] hash) =>
        new(
            record.Sequence,
            DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampUnixMs),
            new AuditEvent(record.Actor, record.Action, record.Target, record.Outcome) { Details = new Dictionary<string, string>(record.Details) },
            Convert.ToHexStringLower(hash));

    /// <summary>Reads length-prefixed frames from the start of <paramref name="stream"/>; a frame cut off by the end has null bytes.</summary>
    private static IEnumerable<(long Start, long End, byte[]? Bytes)> Frames(Stream stream)
    {
        stream.Position = 0;
        var header = new byte[4];
        while (true)
        {
            var start = stream.Position;
            var read = stream.ReadAtLeast(header, 4, throwOnEndOfStream: false);
            if (read == 0)
            {
                yield break;
            }

            var length = read == 4 ? BinaryPrimitives.ReadInt32LittleEndian(header) : -1;
            if (length is < 0 or > MaxRecordBytes || stream.Length - stream.Position < length)
            {
                yield return (start, stream.Length, null);
                yield break;
            }

            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            yield return (start, stream.Position, bytes);
        }
    }
}
