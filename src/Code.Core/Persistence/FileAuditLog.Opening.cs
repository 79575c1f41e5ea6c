using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Code.Core.Persistence;

/// <content>Opening (checking the log against its head, setting aside an unacknowledged tail), undoing a failed append, and what is logged.</content>
internal sealed partial class FileAuditLog
{
    /// <summary>Checks the log against its head and sets aside an unacknowledged tail; records damage instead of repairing it.</summary>
    private void Open(string path, ILogger logger)
    {
        var anchored = _anchor!.Read();
        if (anchored is null)
        {
            // No head yet: a new log, or one written before heads were kept. Adopt it only if its whole chain is sound.
            var whole = AuditChain.Check(_stream, _stream.Length);
            _head = new AuditHead(whole.Entries, whole.End, whole.HeadHash);
            if (whole.Problem is not null)
            {
                _damage = (whole.Entries + 1, whole.Problem);
                Log.Damaged(logger, path, whole.Entries + 1, whole.Problem);
                return;
            }

            _anchor.Write(_head);
            if (whole.Entries > 0)
            {
                Log.Adopted(logger, path, whole.Entries);
            }

            return;
        }

        var walk = AuditChain.Check(_stream, _stream.Length, anchored.Sequence);
        _head = anchored;
        var problem = walk.Problem
            ?? (walk.Entries < anchored.Sequence
                ? string.Create(CultureInfo.InvariantCulture, $"the log ends after entry {walk.Entries}, but entries up to {anchored.Sequence} were acknowledged: entries were cut off or removed from the end")
                : walk.End != anchored.End || !walk.HeadHash.AsSpan().SequenceEqual(anchored.Hash)
                    ? string.Create(CultureInfo.InvariantCulture, $"entry {anchored.Sequence} differs from the one acknowledged (its hash does not match the head): it was changed")
                    : null);
        if (problem is not null)
        {
            var sequence = walk.Problem is not null || walk.Entries < anchored.Sequence ? walk.Entries + 1 : anchored.Sequence;
            _damage = (sequence, problem);
            Log.Damaged(logger, path, sequence, problem);
            return;
        }

        if (_stream.Length > anchored.End)
        {
            // An append that never returned (the process died, or its undo failed): never acknowledged. Its bytes
            // are kept beside the log, and the log is cut back to its last acknowledged entry.
            var torn = new byte[_stream.Length - anchored.End];
            _stream.Position = anchored.End;
            _stream.ReadExactly(torn);
            var aside = string.Create(CultureInfo.InvariantCulture, $"{path}.torn-{anchored.End}");
            for (var n = 2; File.Exists(aside); n++)
            {
                aside = string.Create(CultureInfo.InvariantCulture, $"{path}.torn-{anchored.End}-{n}");
            }

            File.WriteAllBytes(aside, torn);
            _stream.SetLength(anchored.End);
            (_stream as FileStream)?.Flush(flushToDisk: true);
            Log.TornAppendSetAside(logger, path, torn.Length, anchored.Sequence, aside);
        }
    }

    /// <summary>Cuts the log back to its last acknowledged entry after a failed append, so no later entry lands behind a partial frame.</summary>
    private void Undo(Exception failure)
    {
        try
        {
            _stream.SetLength(_head.End);
            (_stream as FileStream)?.Flush(flushToDisk: true);

            // The failed append may have reached its head slot; put the acknowledged head in that slot too.
            _anchor?.Write(_head, slotOf: _head.Sequence + 1);
        }
        catch (Exception e)
        {
            _failedUndo = new AggregateException(failure, e);
        }
    }

    private void ThrowIfCannotAppend()
    {
        if (_damage is { } damage)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"The audit log '{_path}' is damaged at entry {damage.Sequence}: {damage.Problem}. Nothing was appended; keep the log and its head as evidence and move them aside to start a new log."));
        }

        if (_failedUndo is not null)
        {
            throw new IOException(
                $"An append to the audit log '{_path}' failed and could not be undone; nothing more is appended until the log is reopened (which sets the partial entry aside).",
                _failedUndo);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Audit log {Path}: an append that never completed ({Bytes} bytes after entry {Sequence}, never acknowledged) was moved to {SetAside}.")]
        public static partial void TornAppendSetAside(ILogger logger, string path, long bytes, long sequence, string setAside);

        [LoggerMessage(2, LogLevel.Error, "Audit log {Path} is damaged at entry {Sequence}: {Problem}. It is left as it is and refuses appends.")]
        public static partial void Damaged(ILogger logger, string path, long sequence, string problem);

        [LoggerMessage(3, LogLevel.Warning, "Audit log {Path} had no head anchor (written before heads were kept, or the anchor was removed); its {Entries} chained entries were adopted as they are.")]
        public static partial void Adopted(ILogger logger, string path, long entries);
    }
}
