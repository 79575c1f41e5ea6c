using Code.Core.Persistence;
using Code.Core.Persistence.Protos;
using Code.Testing;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.Persistence;

public sealed class FileAuditLogTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("code-audit");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private string LogPath => _directory.Combine("audit/audit.log");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Entries_are_numbered_timestamped_chained_and_read_back_after_reopening()
    {
        using (var log = new FileAuditLog(LogPath, _time))
        {
            var first = await log.AppendAsync(Event(0));
            _time.Advance(TimeSpan.FromSeconds(5));
            var second = await log.AppendAsync(Event(1) with { Details = new Dictionary<string, string> { ["version"] = "1.2.3" } });

            Assert.Equal(1, first.Sequence);
            Assert.Equal(2, second.Sequence);
            Assert.Equal(_time.GetUtcNow(), second.Timestamp);
            Assert.NotEqual(first.Hash, second.Hash);
        }

        using var reopened = new FileAuditLog(LogPath, _time);
        var third = await reopened.AppendAsync(Event(2));
        var entries = await ToListAsync(reopened.ReadAsync());

        Assert.Equal(3, third.Sequence);
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Sequence));
        Assert.Equal("1.2.3", entries[1].Event.Details["version"]);
        Assert.Equal("deploy.step-1", entries[1].Event.Action);
        var verification = await reopened.VerifyAsync();
        Assert.True(verification.IsIntact);
        Assert.Equal(3, verification.EntriesVerified);
        Assert.Equal(third.Hash, verification.HeadHash);
        Assert.Equal([3L], (await ToListAsync(reopened.ReadAsync(afterSequence: 2))).Select(e => e.Sequence));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public async Task Changing_any_entry_is_detected_at_that_entry_or_the_next(int tampered)
    {
        var anchoredHead = await WriteEntriesAsync(8);
        var frames = ReadFrames();
        var record = AuditRecord.Parser.ParseFrom(frames[tampered - 1]);
        record.Outcome = "succeeded-but-edited";
        frames[tampered - 1] = record.ToByteArray();
        WriteFrames(frames);

        using var log = new FileAuditLog(LogPath, _time);
        var verification = await log.VerifyAsync();

        Assert.False(verification.IsIntact);
        if (tampered == 8)
        {
            // The last entry has no successor to link to it: the head kept outside the log reveals the change.
            Assert.Equal(7, verification.EntriesVerified);
            Assert.Equal(8, verification.FirstBrokenSequence);
            Assert.Contains("was changed", verification.Problem, StringComparison.Ordinal);
            Assert.NotEqual(anchoredHead, verification.HeadHash);
            return;
        }

        Assert.Equal(tampered, verification.EntriesVerified);
        Assert.Equal(tampered + 1, verification.FirstBrokenSequence);
        Assert.Contains("does not link", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_entry_is_detected()
    {
        await WriteEntriesAsync(5);
        var frames = ReadFrames();
        frames.RemoveAt(2);
        WriteFrames(frames);

        using var log = new FileAuditLog(LogPath, _time);
        var verification = await log.VerifyAsync();

        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Contains("sequence number 4", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_is_detected()
    {
        await WriteEntriesAsync(5);
        var bytes = await File.ReadAllBytesAsync(LogPath);
        var frames = ReadFrames();
        var thirdStart = (4 * 3) + frames[0].Length + frames[1].Length;
        bytes[thirdStart + 10] ^= 0x01;
        await File.WriteAllBytesAsync(LogPath, bytes);

        using var log = new FileAuditLog(LogPath, _time);
        var verification = await log.VerifyAsync();

        Assert.False(verification.IsIntact);
        Assert.InRange(verification.FirstBrokenSequence!.Value, 3, 4);
    }

    [Fact]
    public async Task A_torn_last_append_is_set_aside_and_the_log_continues()
    {
        await WriteEntriesAsync(3);
        await using (var stream = new FileStream(LogPath, FileMode.Append))
        {
            stream.Write([200, 0, 0, 0, 1, 2, 3]);
        }

        using var log = new FileAuditLog(LogPath, _time);
        var next = await log.AppendAsync(Event(9));

        Assert.Equal(4, next.Sequence);
        Assert.True((await log.VerifyAsync()).IsIntact);
        Assert.Single(Directory.GetFiles(_directory.Combine("audit"), "audit.log.torn-*"));
    }

    [Theory]
    [InlineData(0x00FF_FFFF)]
    [InlineData(100)]
    [InlineData(-1)]
    public async Task A_damaged_length_prefix_is_reported_and_nothing_after_it_is_cut_off(int length)
    {
        await WriteEntriesAsync(5);
        var frames = ReadFrames();
        var bytes = await File.ReadAllBytesAsync(LogPath);
        BitConverter.GetBytes(length).CopyTo(bytes, (4 * 2) + frames[0].Length + frames[1].Length);
        await File.WriteAllBytesAsync(LogPath, bytes);

        using var log = new FileAuditLog(LogPath, _time);
        var verification = await log.VerifyAsync();
        var append = await Assert.ThrowsAsync<InvalidDataException>(async () => await log.AppendAsync(Event(9)));

        Assert.False(verification.IsIntact);
        Assert.Equal(2, verification.EntriesVerified);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Contains("damaged at entry 3", append.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(LogPath));
        Assert.Empty(Directory.GetFiles(_directory.Combine("audit"), "audit.log.torn-*"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Entries_cut_off_the_end_are_detected(int removed)
    {
        await WriteEntriesAsync(5);
        var frames = ReadFrames();
        WriteFrames(frames.Take(frames.Count - removed).ToList());

        using var log = new FileAuditLog(LogPath, _time);
        var verification = await log.VerifyAsync();

        Assert.False(verification.IsIntact);
        Assert.Equal(5 - removed, verification.EntriesVerified);
        Assert.Equal(6 - removed, verification.FirstBrokenSequence);
        Assert.Contains("cut off or removed from the end", verification.Problem, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(async () => await log.AppendAsync(Event(9)));
    }

    [Fact]
    public async Task A_failed_append_is_undone_so_later_acknowledged_entries_survive_reopening()
    {
        TearingFileStream? stream = null;
        using (var log = new FileAuditLog(LogPath, _time, NullLogger.Instance, path => stream = new TearingFileStream(path)))
        {
            await log.AppendAsync(Event(0));
            stream!.TearNextWriteAfter = 7;
            await Assert.ThrowsAsync<IOException>(async () => await log.AppendAsync(Event(1)));
            var later = await log.AppendAsync(Event(2));
            Assert.Equal(2, later.Sequence);
        }

        using var reopened = new FileAuditLog(LogPath, _time);
        var entries = await ToListAsync(reopened.ReadAsync());

        Assert.Equal(["deploy.step-0", "deploy.step-2"], entries.Select(e => e.Event.Action));
        Assert.True((await reopened.VerifyAsync()).IsIntact);
        Assert.Equal(3, (await reopened.AppendAsync(Event(3))).Sequence);
    }

    [Fact]
    public async Task An_append_whose_failure_cannot_be_undone_stops_the_log_and_reopening_sets_the_partial_entry_aside()
    {
        TearingFileStream? stream = null;
        using (var log = new FileAuditLog(LogPath, _time, NullLogger.Instance, path => stream = new TearingFileStream(path)))
        {
            await log.AppendAsync(Event(0));
            stream!.TearNextWriteAfter = 7;
            stream.FailSetLength = true;
            await Assert.ThrowsAsync<IOException>(async () => await log.AppendAsync(Event(1)));
            var stopped = await Assert.ThrowsAsync<IOException>(async () => await log.AppendAsync(Event(2)));
            Assert.Contains("could not be undone", stopped.Message, StringComparison.Ordinal);
        }

        using var reopened = new FileAuditLog(LogPath, _time);

        Assert.Equal(["deploy.step-0"], (await ToListAsync(reopened.ReadAsync())).Select(e => e.Event.Action));
        Assert.True((await reopened.VerifyAsync()).IsIntact);
        Assert.Equal(7, new FileInfo(Assert.Single(Directory.GetFiles(_directory.Combine("audit"), "audit.log.torn-*"))).Length);
        Assert.Equal(2, (await reopened.AppendAsync(Event(2))).Sequence);
    }

    [Fact]
    public async Task A_log_without_a_head_is_adopted_when_its_chain_is_sound_and_reported_when_not()
    {
        await WriteEntriesAsync(3);
        File.Delete(LogPath + ".head");

        using (var adopted = new FileAuditLog(LogPath, _time))
        {
            Assert.Equal(4, (await adopted.AppendAsync(Event(3))).Sequence);
            Assert.True((await adopted.VerifyAsync()).IsIntact);
        }

        File.Delete(LogPath + ".head");
        await using (var stream = new FileStream(LogPath, FileMode.Append))
        {
            stream.Write([200, 0, 0, 0, 1, 2, 3]);
        }

        using var damaged = new FileAuditLog(LogPath, _time);
        var verification = await damaged.VerifyAsync();

        Assert.False(verification.IsIntact);
        Assert.Equal(5, verification.FirstBrokenSequence);
        await Assert.ThrowsAsync<InvalidDataException>(async () => await damaged.AppendAsync(Event(9)));
    }

    [Fact]
    public async Task Bad_events_are_refused_and_nothing_is_written()
    {
        using var log = new FileAuditLog(LogPath, _time);

        await Assert.ThrowsAsync<ArgumentException>(async () => await log.AppendAsync(new AuditEvent("", "a", "t", "o")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await log.AppendAsync(new AuditEvent("a", new string('x', 1025), "t", "o")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await log.AppendAsync(
            Event(0) with { Details = Enumerable.Range(0, 65).ToDictionary(i => $"k{i}", i => "v") }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await log.AppendAsync(
            Event(0) with { Details = Enumerable.Range(0, 60).ToDictionary(i => $"k{i}", i => new string('v', 5000)) }));

        Assert.Empty(await ToListAsync(log.ReadAsync()));
    }

    [Fact]
    public async Task The_in_memory_log_chains_and_verifies_the_same_way()
    {
        using var log = new FileAuditLog(null, _time);
        for (var i = 0; i < 4; i++)
        {
            await log.AppendAsync(Event(i));
        }

        Assert.Equal(4, (await log.VerifyAsync()).EntriesVerified);
        Assert.Equal(4, (await ToListAsync(log.ReadAsync())).Count);
    }

    /// <summary>A log file whose next write can be made to fail part-way (a full disk), leaving a partial frame behind.</summary>
    private sealed class TearingFileStream(string path) : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read)
    {
        public int TearNextWriteAfter { get; set; } = -1;

        public bool FailSetLength { get; set; }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (TearNextWriteAfter < 0)
            {
                base.Write(buffer, offset, count);
                return;
            }

            base.Write(buffer, offset, TearNextWriteAfter);
            base.Flush(flushToDisk: true);
            TearNextWriteAfter = -1;
            throw new IOException("No space left on device (simulated).");
        }

        public override void SetLength(long value)
        {
            if (FailSetLength)
            {
                throw new IOException("The device is gone (simulated).");
            }

            base.SetLength(value);
        }
    }

    private static AuditEvent Event(int i) => new("agent:test", $"deploy.step-{i}", "app/checkout", "succeeded");

    /// <summary>Appends <paramref name="count"/> entries and returns the last hash, as a host would anchor it.</summary>
    private async Task<string> WriteEntriesAsync(int count)
    {
        using var log = new FileAuditLog(LogPath, _time);
        var head = string.Empty;
        for (var i = 0; i < count; i++)
        {
            head = (await log.AppendAsync(Event(i))).Hash;
        }

        return head;
    }

    private List<byte[]> ReadFrames()
    {
        var bytes = File.ReadAllBytes(LogPath);
        var frames = new List<byte[]>();
        for (var at = 0; at < bytes.Length;)
        {
            var length = BitConverter.ToInt32(bytes, at);
            frames.Add(bytes[(at + 4)..(at + 4 + length)]);
            at += 4 + length;
        }

        return frames;
    }

    private void WriteFrames(List<byte[]> frames)
    {
        using var stream = new FileStream(LogPath, FileMode.Create);
        foreach (var frame in frames)
        {
            stream.Write(BitConverter.GetBytes(frame.Length));
            stream.Write(frame);
        }
    }

    private static async Task<List<AuditEntry>> ToListAsync(IAsyncEnumerable<AuditEntry> entries)
    {
        var list = new List<AuditEntry>();
        await foreach (var entry in entries)
        {
            list.Add(entry);
        }

        return list;
    }
}
