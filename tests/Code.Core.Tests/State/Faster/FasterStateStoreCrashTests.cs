using System.Globalization;
using System.Text;
using Code.Core.Configuration;
using Code.Core.State;
using Code.Core.State.Faster;
using Code.Testing;
using Xunit.Abstractions;

namespace Code.Core.Tests.State.Faster;

/// <summary>
/// Kills a real writer process with SIGKILL at random moments, over and over on the same directory,
/// and checks after each kill that every write the process reported as acknowledged is there with its
/// value and version.
/// </summary>
public sealed class FasterStateStoreCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int KillPoints = 20;
    private const int Seed = 20_261_126;

    private readonly TemporaryDirectory _directory = new("code-faster-crash");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_acknowledged_write_survives_a_SIGKILL()
    {
        var random = new Random(Seed);
        var acknowledged = new Dictionary<string, Acknowledged>(StringComparer.Ordinal);
        var testAssembly = typeof(StateCrashWriter).Assembly.Location;
        var totalAcks = 0;
        var maxVersion = 0L;

        for (var run = 0; run < KillPoints; run++)
        {
            var waitForAcks = random.Next(1, 400);
            var extraDelay = random.Next(0, 250);
            using (var child = ChildProcess.StartDotnet(testAssembly, StateCrashWriter.Command, _directory.Path, run.ToString(CultureInfo.InvariantCulture)))
            {
                var reached = await child.WaitForLinesAsync(waitForAcks, TimeSpan.FromSeconds(30));
                Assert.True(reached, $"run {run}: the writer reported only {child.LineCount} writes: {string.Join(" | ", child.Lines().TakeLast(5))}");
                await Task.Delay(extraDelay);
                child.Kill();

                foreach (var line in child.Lines())
                {
                    Assert.False(line.StartsWith("ERROR", StringComparison.Ordinal) || line.StartsWith("stderr", StringComparison.Ordinal), $"run {run}: {line}");
                    if (line.StartsWith("DELETING ", StringComparison.Ordinal) && acknowledged.TryGetValue(line[9..], out var before))
                    {
                        acknowledged[before.Key] = before with { DeleteInFlight = true };
                    }
                    else if (Acknowledged.TryParse(line, run, out var ack))
                    {
                        acknowledged[ack.Key] = ack;
                        maxVersion = Math.Max(maxVersion, ack.Version);
                        totalAcks++;
                    }
                }
            }

            var store = await FasterStateStore.OpenAsync(new FasterStateStoreSettings(_directory.Path)
            {
                Limits = StateLimits.From(new MemoryOptions { MaxKeySize = 64, MaxValueSize = 4096 }),
                CacheSizeBytes = 1 << 22,
                IndexBuckets = 1 << 12,
                CheckpointInterval = Timeout.InfiniteTimeSpan,
            });
            try
            {
                Assert.Null(store.Recovery.Damage);
                Assert.True(await store.GetRevisionAsync() >= maxVersion);
                foreach (var ack in acknowledged.Values)
                {
                    await ack.AssertPresentAsync(store);
                }

                output.WriteLine($"kill {run}: after {waitForAcks}+ acks and {extraDelay} ms; recovered revision {store.Recovery.Revision} from checkpoint {store.Recovery.CheckpointRevision} + {store.Recovery.ReplayedRecords} records");
            }
            finally
            {
                // Leave the directory as the crash left it (no checkpoint), so the next run recovers from the log again.
                await store.CloseWithoutCheckpointAsync();
            }
        }

        output.WriteLine($"{KillPoints} kills, {totalAcks} acknowledged writes checked.");
    }

    private sealed record Acknowledged(string Key, long Version, string? Value, int Run)
    {
        /// <summary>Gets a value indicating whether a delete of the key was started after this write and not reported.</summary>
        public bool DeleteInFlight { get; init; }

        public static bool TryParse(string line, int run, out Acknowledged ack)
        {
            ack = null!;
            var parts = line.Split(' ', 4);
            if (parts.Length < 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return false;
            }

            if (parts[0] == "PUT" && parts.Length == 4)
            {
                ack = new Acknowledged(parts[1], version, parts[3], run);
                return true;
            }

            if (parts[0] == "DEL")
            {
                ack = new Acknowledged(parts[1], version, null, run);
                return true;
            }

            return false;
        }

        /// <summary>
        /// The key holds this write, or a later write of the same key (one that was on disk but not yet
        /// reported when the process died); never an older one, and never a lost delete.
        /// </summary>
        public async Task AssertPresentAsync(FasterStateStore store)
        {
            var entry = await store.GetAsync(Key);
            if (entry is null)
            {
                Assert.True(Value is null || DeleteInFlight, $"{Key}: acknowledged put at version {Version} (run {Run}) is missing");
                return;
            }

            Assert.True(entry.Version >= Version, $"{Key}: holds version {entry.Version}, older than the acknowledged {Version}");
            if (entry.Version == Version)
            {
                Assert.Equal(Value, Encoding.UTF8.GetString(entry.Value.Span));
            }
            else
            {
                var stored = Encoding.UTF8.GetString(entry.Value.Span).Split(':');
                var (storedRun, storedSequence) = (int.Parse(stored[0], CultureInfo.InvariantCulture), int.Parse(stored[2], CultureInfo.InvariantCulture));
                var acknowledgedSequence = Value is null ? -1 : int.Parse(Value.Split(':')[2], CultureInfo.InvariantCulture);
                Assert.True(
                    storedRun > Run || (storedRun == Run && storedSequence > acknowledgedSequence),
                    $"{Key}: holds '{stored[0]}:{stored[2]}' at version {entry.Version}, not a later write than the acknowledged version {Version}");
            }
        }
    }
}
