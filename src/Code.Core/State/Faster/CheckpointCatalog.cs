using System.Globalization;
using System.Security.Cryptography;
using Code.Core.Persistence.Protos;
using Google.Protobuf;

namespace Code.Core.State.Faster;

/// <summary>
/// The manifests of the FASTER store's checkpoints: which revision each holds, where the write-ahead
/// log continues after it, and a SHA-256 of each of its files, so a damaged checkpoint is noticed
/// before FASTER reads it. A manifest is written (atomically, with its own hash) only after its
/// checkpoint is complete.
/// </summary>
internal sealed class CheckpointCatalog(string manifestDirectory, string checkpointDirectory)
{
    private const string Extension = ".manifest";

    /// <summary>Loads every manifest, newest (highest revision) first; an unreadable one comes back with its error.</summary>
    public IReadOnlyList<CatalogEntry> LoadNewestFirst()
    {
        Directory.CreateDirectory(manifestDirectory);
        var entries = new List<CatalogEntry>();
        foreach (var path in Directory.GetFiles(manifestDirectory, "*" + Extension).OrderDescending(StringComparer.Ordinal))
        {
            try
            {
                var bytes = File.ReadAllBytes(path);
                if (bytes.Length < 32 || !SHA256.HashData(bytes.AsSpan(32)).AsSpan().SequenceEqual(bytes.AsSpan(0, 32)))
                {
                    entries.Add(new CatalogEntry(path, null, "its manifest is damaged"));
                    continue;
                }

                entries.Add(new CatalogEntry(path, CheckpointManifest.Parser.ParseFrom(bytes.AsSpan(32)), null));
            }
            catch (Exception e) when (e is IOException or InvalidProtocolBufferException or UnauthorizedAccessException)
            {
                entries.Add(new CatalogEntry(path, null, $"its manifest is unreadable ({e.Message})"));
            }
        }

        return entries;
    }

    /// <summary>Records a completed checkpoint: hashes its files and writes the manifest atomically.</summary>
    public string Write(CheckpointManifest manifest)
    {
        foreach (var (file, hash) in HashFiles(manifest.Token))
        {
            manifest.FileHashes[file] = ByteString.CopyFrom(hash);
        }

        Directory.CreateDirectory(manifestDirectory);
        var body = manifest.ToByteArray();
        var path = Path.Combine(manifestDirectory, string.Create(CultureInfo.InvariantCulture, $"{manifest.Revision:D20}-{manifest.Token}{Extension}"));
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(SHA256.HashData(body));
            stream.Write(body);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>Checks that every file of the checkpoint is present with the recorded hash.</summary>
    /// <returns>What is wrong, or <see langword="null"/> when the checkpoint is intact.</returns>
    public string? Verify(CheckpointManifest manifest)
    {
        if (manifest.FileHashes.Count == 0)
        {
            return "it lists no files";
        }

        var actual = HashFiles(manifest.Token);
        foreach (var (file, expected) in manifest.FileHashes)
        {
            if (!actual.TryGetValue(file, out var hash))
            {
                return $"its file {file} is missing";
            }

            if (!expected.Span.SequenceEqual(hash))
            {
                return $"its file {file} does not match its hash";
            }
        }

        return null;
    }

    /// <summary>Deletes a manifest file.</summary>
    public static void Delete(string path) => File.Delete(path);

    private Dictionary<string, byte[]> HashFiles(string token)
    {
        var hashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!Directory.Exists(checkpointDirectory))
        {
            return hashes;
        }

        foreach (var directory in Directory.GetDirectories(checkpointDirectory, token, SearchOption.AllDirectories))
        {
            foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories))
            {
                using var stream = File.OpenRead(file);
                hashes[Path.GetRelativePath(checkpointDirectory, file).Replace('\\', '/')] = SHA256.HashData(stream);
            }
        }

        return hashes;
    }
}

/// <summary>One manifest file: its contents, or why it could not be read.</summary>
internal sealed record CatalogEntry(string Path, CheckpointManifest? Manifest, string? Error);
