using System.Text;
using Code.Core.Persistence;
using Code.Core.State;
using Code.Core.State.Faster;
using Code.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.State.Faster;

/// <summary>Reopening, checkpoints, log replay and recovery from damaged files.</summary>
public sealed class FasterStateStoreDurabilityTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("code-faster-durable");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Writes_survive_a_clean_reopen_with_their_versions()
    {
        var (expected, revision) = await WriteAsync(0, 50, crash: false);

        await using var store = await OpenAsync();

        await AssertHoldsAsync(store, expected);
        Assert.Equal(revision, await store.GetRevisionAsync());
        Assert.Equal(0, store.Recovery.ReplayedRecords);
        Assert.NotNull(store.Recovery.Checkpoint);
    }

    [Fact]
    public async Task Writes_after_the_last_checkpoint_are_replayed_from_the_log()
    {
        var store = await OpenAsync();
        var expected = new Dictionary<string, (string, long)>();
        for (var i = 0; i < 20; i++)
        {
            expected[$"k/{i}"] = ($"v{i}", await store.PutAsync($"k/{i}", Bytes($"v{i}")));
        }

        await store.CheckpointAsync();
        for (var i = 10; i < 30; i++)
        {
            expected[$"k/{i}"] = ($"w{i}", await store.PutAsync($"k/{i}", Bytes($"w{i}")));
        }

        var deleted = await store.DeleteAsync("k/0");
        expected.Remove("k/0");
        await store.CloseWithoutCheckpointAsync();

        await using var reopened = await OpenAsync();

        await AssertHoldsAsync(reopened, expected);
        Assert.Null(await reopened.GetAsync("k/0"));
        Assert.Equal(21, reopened.Recovery.ReplayedRecords);
        Assert.Equal(deleted.Version, await reopened.GetRevisionAsync());
        Assert.True(reopened.Recovery.Damage is null, reopened.Recovery.Damage?.ToString());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), (await reopened.ScanAsync("k/", limit: 100)).Entries.Select(e => e.Key));
    }

    [Fact]
    public async Task The_log_is_truncated_up_to_the_older_kept_checkpoint()
    {
        await using var store = await OpenAsync();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 50; i++)
            {
                await store.PutAsync($"t/{i}", Bytes($"{round}-{i}"));
            }

            await store.CheckpointAsync();
        }

        var begin = store.LogBeginAddress;
        Assert.True(begin > 0, "the log was not truncated");
        Assert.Equal(2, Manifests().Length);
        Assert.Equal(100, (await store.GetRevisionAsync()) - 50);
    }

    [Fact]
    public async Task A_rejected_checkpoint_is_set_aside_and_not_tried_again()
    {
        await WriteAsync(0, 10, crash: false);
        await WriteAsync(10, 20, crash: false);
        var newest = NewestCheckpointToken();
        foreach (var directory in Directory.GetDirectories(_directory.Path, newest, SearchOption.AllDirectories))
        {
            Directory.Delete(directory, recursive: true);
        }

        await using (var first = await OpenAsync())
        {
            Assert.Single(first.Recovery.RejectedCheckpoints);
        }

        await using var second = await OpenAsync();

        Assert.Empty(second.Recovery.RejectedCheckpoints);
        Assert.Single(Directory.GetFiles(Path.Combine(_directory.Path, "manifests"), "*.rejected"));
        await AssertPrefixAsync(second, 20);
    }

    [Fact]
    public async Task The_checkpoint_interval_takes_checkpoints_on_the_injected_clock()
    {
        await using var store = await OpenAsync(TimeSpan.FromMinutes(5));
        await store.PutAsync("a", Bytes("1"));
        Assert.Empty(Manifests());

        _time.Advance(TimeSpan.FromMinutes(5));
        await WaitForAsync(() => Manifests().Length == 1);
        await store.PutAsync("b", Bytes("2"));
        _time.Advance(TimeSpan.FromMinutes(5));
        await WaitForAsync(() => Manifests().Length == 2);
        await store.PutAsync("c", Bytes("3"));
        _time.Advance(TimeSpan.FromMinutes(5));

        await WaitForAsync(() => Manifests().Any(m => Path.GetFileName(m).StartsWith("00000000000000000003", StringComparison.Ordinal)));
        Assert.Equal(2, Manifests().Length);
    }

    [Fact]
    public async Task A_truncated_log_tail_is_dropped_and_reported_and_the_valid_prefix_is_kept()
    {
        var (before, checkpointRevision) = await WriteAsync(0, 10, crash: false);
        var (_, lastRevision) = await WriteAsync(10, 40, crash: true);
        var log = LogFile();
        var cut = (await File.ReadAllBytesAsync(log)).AsSpan().IndexOf(Encoding.UTF8.GetBytes("value-35-"));
        Assert.True(cut > 0);

        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(cut + 4);
        }

        await using var store = await OpenAsync();

        var report = store.Recovery;
        Assert.NotNull(report.Damage);
        Assert.Equal(35, report.Revision);
        Assert.True(report.Revision < lastRevision);
        Assert.True(report.Revision > checkpointRevision);
        Assert.Equal(report.Revision, await store.GetRevisionAsync());
        await AssertPrefixAsync(store, report.Revision);
        await AssertHoldsAsync(store, before);
    }

    [Fact]
    public async Task A_flipped_byte_in_the_log_drops_that_record_and_everything_after_it()
    {
        await WriteAsync(0, 30, crash: true);
        var log = LogFile();
        var bytes = await File.ReadAllBytesAsync(log);
        var marker = Encoding.UTF8.GetBytes("value-15-");
        var at = bytes.AsSpan().IndexOf(marker);
        Assert.True(at > 0);
        bytes[at + 2] ^= 0x20;
        await File.WriteAllBytesAsync(log, bytes);

        await using var store = await OpenAsync();

        Assert.NotNull(store.Recovery.Damage);
        Assert.Contains("checksum", store.Recovery.Damage.Reason, StringComparison.Ordinal);
        Assert.Equal(15, store.Recovery.Revision);
        await AssertPrefixAsync(store, 15);
        Assert.Null(await store.GetAsync("key/15"));
    }

    [Fact]
    public async Task After_recovering_from_a_damaged_log_new_writes_survive_the_next_reopen()
    {
        await WriteAsync(0, 30, crash: true);
        var log = LogFile();
        var cut = (await File.ReadAllBytesAsync(log)).AsSpan().IndexOf(Encoding.UTF8.GetBytes("value-25-"));
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(cut);
        }

        long version;
        long revision;
        var store = await OpenAsync();
        revision = store.Recovery.Revision;
        version = await store.PutAsync("after", Bytes("damage"));
        await store.CloseWithoutCheckpointAsync();

        await using var reopened = await OpenAsync();

        Assert.Null(reopened.Recovery.Damage);
        Assert.Equal(revision + 1, version);
        Assert.Equal(version, (await reopened.GetAsync("after"))!.Version);
        await AssertPrefixAsync(reopened, revision);
    }

    [Fact]
    public async Task A_missing_checkpoint_falls_back_to_the_older_one_and_replays_the_log()
    {
        var store = await OpenAsync();
        var expected = new Dictionary<string, (string, long)>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                expected[$"k/{i}"] = ($"r{round}-{i}", await store.PutAsync($"k/{i}", Bytes($"r{round}-{i}")));
            }

            if (round < 2)
            {
                await store.CheckpointAsync();
            }
        }

        await store.CloseWithoutCheckpointAsync();
        var newest = NewestCheckpointToken();
        foreach (var directory in Directory.GetDirectories(_directory.Path, newest, SearchOption.AllDirectories))
        {
            Directory.Delete(directory, recursive: true);
        }

        await using var reopened = await OpenAsync();

        Assert.Single(reopened.Recovery.RejectedCheckpoints);
        Assert.Contains("missing", reopened.Recovery.RejectedCheckpoints[0], StringComparison.Ordinal);
        Assert.Equal(10, reopened.Recovery.CheckpointRevision);
        Assert.Equal(20, reopened.Recovery.ReplayedRecords);
        await AssertHoldsAsync(reopened, expected);
    }

    [Fact]
    public async Task A_corrupted_checkpoint_file_falls_back_to_the_older_checkpoint()
    {
        var (_, _) = await WriteAsync(0, 10, crash: false);
        var (expected, revision) = await WriteAsync(0, 10, crash: false, valuePrefix: "second");
        var newest = NewestCheckpointToken();
        var file = Directory.GetDirectories(_directory.Path, newest, SearchOption.AllDirectories)
            .SelectMany(d => Directory.GetFiles(d, "*", SearchOption.AllDirectories))
            .OrderByDescending(f => new FileInfo(f).Length)
            .First();
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes);

        await using var store = await OpenAsync();

        Assert.Single(store.Recovery.RejectedCheckpoints);
        Assert.Contains("hash", store.Recovery.RejectedCheckpoints[0], StringComparison.Ordinal);
        Assert.Equal(10, store.Recovery.CheckpointRevision);
        Assert.Equal(revision, await store.GetRevisionAsync());
        await AssertHoldsAsync(store, expected);
    }

    [Fact]
    public async Task Encrypted_values_are_unreadable_on_disk_and_a_wrong_key_fails_clearly()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var secret = "top-secret-" + new string('s', 2000);
        var settings = FasterStateStoreTests.Settings(_directory.Path, _time) with { Codec = new StoredValueCodec(1024, key) };
        var store = await FasterStateStore.OpenAsync(settings);
        await store.PutAsync("secret", Bytes(secret));
        await store.CloseWithoutCheckpointAsync();

        Assert.DoesNotContain(
            Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories),
            f => File.ReadAllBytes(f).AsSpan().IndexOf("top-secret"u8) >= 0);
        await using (var reopened = await FasterStateStore.OpenAsync(settings))
        {
            Assert.Equal(secret, Encoding.UTF8.GetString((await reopened.GetAsync("secret"))!.Value.Span));
        }

        var wrongKey = key.Select(b => (byte)(b ^ 0x5A)).ToArray();
        await using var wrong = await FasterStateStore.OpenAsync(settings with { Codec = new StoredValueCodec(1024, wrongKey) });
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await wrong.GetAsync("secret"));
        Assert.Contains("another encryption key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leases_keep_growing_fencing_tokens_across_a_restart()
    {
        long first;
        await using (var store = await OpenAsync())
        {
            first = (await store.TryAcquireLeaseAsync("rollout/api", "a", TimeSpan.FromSeconds(10)))!.FencingToken;
        }

        _time.Advance(TimeSpan.FromSeconds(11));
        await using var reopened = await OpenAsync();
        var second = await reopened.TryAcquireLeaseAsync("rollout/api", "b", TimeSpan.FromSeconds(10));

        Assert.True(second!.FencingToken > first);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private Task<FasterStateStore> OpenAsync(TimeSpan? checkpointInterval = null) =>
        FasterStateStore.OpenAsync(FasterStateStoreTests.Settings(_directory.Path, _time) with
        {
            CheckpointInterval = checkpointInterval ?? TimeSpan.FromHours(1),
        });

    /// <summary>Writes key/i = value-i-... for i in [from, to), then closes cleanly or as a crash would.</summary>
    private async Task<(Dictionary<string, (string Value, long Version)> Written, long Revision)> WriteAsync(
        int from, int to, bool crash, string valuePrefix = "value")
    {
        var store = await OpenAsync();
        var written = new Dictionary<string, (string, long)>();
        for (var i = from; i < to; i++)
        {
            var value = $"{valuePrefix}-{i}-{new string('x', i % 7)}";
            written[$"key/{i}"] = (value, await store.PutAsync($"key/{i}", Bytes(value)));
        }

        var revision = await store.GetRevisionAsync();
        if (crash)
        {
            await store.CloseWithoutCheckpointAsync();
        }
        else
        {
            await store.DisposeAsync();
        }

        return (written, revision);
    }

    private static async Task AssertHoldsAsync(FasterStateStore store, Dictionary<string, (string Value, long Version)> expected)
    {
        foreach (var (key, (value, version)) in expected)
        {
            var entry = await store.GetAsync(key);
            Assert.True(entry is not null, $"{key} is missing");
            Assert.Equal(value, Encoding.UTF8.GetString(entry.Value.Span));
            Assert.Equal(version, entry.Version);
        }
    }

    /// <summary>Checks that key/i (written at revision i + 1) is present for every revision up to <paramref name="revision"/>.</summary>
    private static async Task AssertPrefixAsync(FasterStateStore store, long revision)
    {
        for (var i = 0; i < revision; i++)
        {
            var entry = await store.GetAsync($"key/{i}");
            Assert.True(entry is not null, $"key/{i} is missing");
            Assert.Equal(i + 1, entry.Version);
            Assert.StartsWith($"value-{i}-", Encoding.UTF8.GetString(entry.Value.Span), StringComparison.Ordinal);
        }
    }

    private string[] Manifests() =>
        Directory.Exists(Path.Combine(_directory.Path, "manifests")) ? Directory.GetFiles(Path.Combine(_directory.Path, "manifests"), "*.manifest") : [];

    private string NewestCheckpointToken()
    {
        var name = Path.GetFileNameWithoutExtension(Manifests().OrderDescending(StringComparer.Ordinal).First());
        return name[(name.IndexOf('-', StringComparison.Ordinal) + 1)..];
    }

    private string LogFile() =>
        Directory.GetFiles(_directory.Path, "wal.log.*", SearchOption.AllDirectories).OrderDescending(StringComparer.Ordinal).First();

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
