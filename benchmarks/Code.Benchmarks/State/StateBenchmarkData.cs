using System.Text;

namespace Code.Benchmarks.State;

/// <summary>The data set of the state benchmarks: 16-byte keys and 100-byte values, as in the raw FASTER figures.</summary>
internal static class StateBenchmarkData
{
    public const int KeyCount = 10_000;
    public const int ValueBytes = 100;

    public static string[] Keys { get; } = Enumerable.Range(0, KeyCount).Select(i => $"bench/key/{i:D6}").ToArray();

    public static byte[][] KeyBytes { get; } = Keys.Select(Encoding.UTF8.GetBytes).ToArray();

    public static byte[] Value { get; } = Enumerable.Range(0, ValueBytes).Select(i => (byte)('a' + (i % 26))).ToArray();

    /// <summary>
    /// Gets <see cref="Value"/> the way the FASTER store holds it (8-byte version, 1-byte codec flags, the
    /// value), so a raw FasterKV anchor reads and copies records of the same size as the store.
    /// </summary>
    public static byte[] StoredRecord { get; } = [.. BitConverter.GetBytes(1L), 0, .. Value];

    public static string TemporaryDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"code-bench-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Gets the result of a value task that the stores complete synchronously (reads), without an async state machine.</summary>
    public static T Wait<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
