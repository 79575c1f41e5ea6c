using Code.Core.Persistence;
using Code.Core.Persistence.Protos;
using Code.Testing;
using Google.Protobuf;
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

        if (tampered == 8)
        {
            // The last entry has no successor to link to it: the head hash kept elsewhere reveals the change.
            Assert.True(verification.IsIntact);
            Assert.NotEqual(anchoredHead, verification.HeadHash);
            return;
        }

        Assert.False(verification.IsIntact);
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
