using System.Globalization;
using System.Text;
using Code.Core.Configuration;
using Code.Core.State;
using Code.Core.State.Faster;

namespace Code.Core.Tests.State.Faster;

/// <summary>
/// The child process of <see cref="FasterStateStoreCrashTests"/>: opens a FASTER store and writes from
/// several tasks until it is killed, printing one line per acknowledged write:
/// <c>PUT key version value</c> or <c>DEL key version</c> (a delete is announced first with <c>DELETING key</c>). Each key is written by one task only, so
/// a key's writes are ordered; values are <c>run:task:sequence:padding</c>.
/// </summary>
internal static class StateCrashWriter
{
    public const string Command = "state-crash-writer";
    public const int Writers = 6;
    public const int KeysPerWriter = 25;

    private static readonly Lock ConsoleGate = new();

    public static async Task<int> RunAsync(string directory, int run)
    {
        var settings = new FasterStateStoreSettings(directory)
        {
            Limits = StateLimits.From(new MemoryOptions { MaxKeySize = 64, MaxValueSize = 4096 }),
            CacheSizeBytes = 1 << 22,
            IndexBuckets = 1 << 12,
            CheckpointInterval = TimeSpan.FromMilliseconds(150),
        };
        var store = await FasterStateStore.OpenAsync(settings);
        var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteForeverAsync(store, output, run, w))));
        return 0;
    }

    private static async Task WriteForeverAsync(FasterStateStore store, StreamWriter output, int run, int writer)
    {
        var random = new Random((run * 100) + writer);
        var versions = new Dictionary<string, long>();
        for (var k = 0; k < KeysPerWriter; k++)
        {
            var existing = await store.GetAsync(string.Create(CultureInfo.InvariantCulture, $"w{writer}/k{k}"));
            if (existing is not null)
            {
                versions[existing.Key] = existing.Version;
            }
        }

        for (var sequence = 0; ; sequence++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"w{writer}/k{random.Next(KeysPerWriter)}");
            var roll = random.Next(20);
            if (roll == 0)
            {
                // Announced first: a delete that reached the disk but was not yet reported may legitimately remove the key.
                Report(output, $"DELETING {key}");
                var deleted = await store.DeleteAsync(key);
                if (deleted.Succeeded)
                {
                    versions.Remove(key);
                    Report(output, string.Create(CultureInfo.InvariantCulture, $"DEL {key} {deleted.Version}"));
                }

                continue;
            }

            var value = string.Create(CultureInfo.InvariantCulture, $"{run}:{writer}:{sequence}:{new string('p', random.Next(0, 300))}");
            long version;
            if (roll < 5)
            {
                // A CAS on the version this task last saw: nobody else writes the key, so it must succeed.
                var result = await store.CompareAndSwapAsync(key, versions.GetValueOrDefault(key), Encoding.UTF8.GetBytes(value));
                if (!result.Succeeded)
                {
                    Report(output, string.Create(CultureInfo.InvariantCulture, $"ERROR cas {key} expected {versions.GetValueOrDefault(key)} found {result.Version}"));
                    continue;
                }

                version = result.Version;
            }
            else
            {
                version = await store.PutAsync(key, Encoding.UTF8.GetBytes(value));
            }

            versions[key] = version;
            Report(output, string.Create(CultureInfo.InvariantCulture, $"PUT {key} {version} {value}"));
        }
    }

    private static void Report(StreamWriter output, string line)
    {
        lock (ConsoleGate)
        {
            output.WriteLine(line);
        }
    }
}
