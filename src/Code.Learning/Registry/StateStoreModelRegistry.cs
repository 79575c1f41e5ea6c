using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Code.Core.Persistence.Protos;
using Code.Core.State;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using K4os.Compression.LZ4;

namespace Code.Learning.Registry;

/// <summary>
/// The model registry over an <see cref="IStateStore"/>. Keys, under <c>learning/models/{id}/</c>:
/// <c>versions/{version:D19}</c> holds the envelope ("CLM1", uncompressed length, LZ4 block of the
/// <c>LearningModel</c> protobuf), <c>latest</c> the highest allocated version (8-byte little-endian) and
/// <c>current</c> the version loaded by default followed by the number of rollbacks so far (16 bytes; an
/// 8-byte pointer from an earlier writer reads as no rollbacks). Every change of <c>current</c> is a
/// compare-and-swap; a rollback bumps the count, which stops any save begun before it from becoming current.
/// </summary>
internal sealed partial class StateStoreModelRegistry : IModelRegistry
{
    internal const string Prefix = "learning/models/";
    internal const int MaxModelBytes = 256 * 1024 * 1024;
    private const uint EnvelopeMagic = 0x314D4C43; // "CLM1"
    private const int EnvelopeHeader = 8;
    private const int MaxParents = 64;
    private const int MaxMetrics = 256;

    private readonly IStateStore _store;
    private readonly TimeProvider _time;

    public StateStoreModelRegistry(IStateStore store, TimeProvider? time = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? TimeProvider.System;
    }

    public ValueTask<ModelVersionInfo> SaveAsync(
        string modelId,
        string modelType,
        ReadOnlyMemory<byte> data,
        IReadOnlyDictionary<string, double>? metrics = null,
        IReadOnlyList<long>? parentVersions = null,
        CancellationToken cancellationToken = default) =>
        SaveCoreAsync(modelId, conditional: false, null, modelType, data, metrics, parentVersions, cancellationToken);

    public ValueTask<ModelVersionInfo> SaveIfCurrentAsync(
        string modelId,
        long? expectedCurrentVersion,
        string modelType,
        ReadOnlyMemory<byte> data,
        IReadOnlyDictionary<string, double>? metrics = null,
        IReadOnlyList<long>? parentVersions = null,
        CancellationToken cancellationToken = default) =>
        SaveCoreAsync(modelId, conditional: true, expectedCurrentVersion, modelType, data, metrics, parentVersions, cancellationToken);

    private async ValueTask<ModelVersionInfo> SaveCoreAsync(
        string modelId,
        bool conditional,
        long? expectedCurrentVersion,
        string modelType,
        ReadOnlyMemory<byte> data,
        IReadOnlyDictionary<string, double>? metrics,
        IReadOnlyList<long>? parentVersions,
        CancellationToken cancellationToken)
    {
        ValidateId(modelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelType);
        if (data.IsEmpty || data.Length > MaxModelBytes)
        {
            throw new ArgumentException($"Model '{modelId}': the data has {data.Length} bytes; 1 to {MaxModelBytes} are accepted.", nameof(data));
        }

        var message = new LearningModel
        {
            ModelId = modelId,
            ModelType = modelType,
            CreatedAt = Timestamp.FromDateTimeOffset(_time.GetUtcNow()),
            ModelData = ByteString.CopyFrom(data.Span),
            ContentHash = ByteString.CopyFrom(SHA256.HashData(data.Span)),
        };

        if (metrics is not null)
        {
            if (metrics.Count > MaxMetrics)
            {
                throw new ArgumentException($"Model '{modelId}' has {metrics.Count} metrics; at most {MaxMetrics} are kept.", nameof(metrics));
            }

            foreach (var (name, value) in metrics)
            {
                if (string.IsNullOrEmpty(name) || !double.IsFinite(value))
                {
                    throw new ArgumentException($"Model '{modelId}': metric '{name}' is {value}; metrics need a name and a finite value.", nameof(metrics));
                }

                message.PerformanceMetrics[name] = value;
            }
        }

        if (parentVersions is not null)
        {
            if (parentVersions.Count > MaxParents)
            {
                throw new ArgumentException($"Model '{modelId}' lists {parentVersions.Count} parents; at most {MaxParents} are kept.", nameof(parentVersions));
            }

            foreach (var parent in parentVersions)
            {
                if (parent < 1 || await _store.GetAsync(VersionKey(modelId, parent), cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new ArgumentException($"Model '{modelId}': parent version {parent} does not exist.", nameof(parentVersions));
                }

                message.ParentVersions.Add(parent);
            }
        }

        // The pointer as this save found it: a rollback after this moment must not be undone by the save.
        var before = await ReadCurrentAsync(modelId, cancellationToken).ConfigureAwait(false);

        // Versions are immutable: a version key that already exists (left by a torn earlier save) is skipped.
        long version;
        var attempts = 0;
        while (true)
        {
            version = await AllocateVersionAsync(modelId, cancellationToken).ConfigureAwait(false);
            message.Version = version;
            var written = await _store.CompareAndSwapAsync(VersionKey(modelId, version), StateVersion.Absent, Encode(message), cancellationToken).ConfigureAwait(false);
            if (written.Succeeded)
            {
                break;
            }

            if (++attempts == 100)
            {
                throw new InvalidOperationException($"Model '{modelId}': 100 consecutive version numbers up to {version} already exist; the registry's version counter is inconsistent.");
            }
        }

        // Read it back before it may become current: a version that does not round-trip is never current.
        var stored = await ReadVersionAsync(modelId, version, cancellationToken).ConfigureAwait(false);
        var isCurrent = conditional
            ? await ReplaceCurrentAsync(modelId, version, before, expectedCurrentVersion, cancellationToken).ConfigureAwait(false)
            : await AdvanceCurrentAsync(modelId, version, before?.Rollbacks ?? 0, cancellationToken).ConfigureAwait(false);
        return stored.Info with { IsCurrent = isCurrent };
    }

    public async ValueTask<StoredModel> LoadAsync(string modelId, long? version = null, CancellationToken cancellationToken = default)
    {
        ValidateId(modelId);
        var current = await GetCurrentVersionAsync(modelId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No model '{modelId}' is stored in the registry.");
        var model = await ReadVersionAsync(modelId, version ?? current, cancellationToken).ConfigureAwait(false);
        return model with { Info = model.Info with { IsCurrent = model.Info.Version == current } };
    }

    public async ValueTask<long?> GetCurrentVersionAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ValidateId(modelId);
        return (await ReadCurrentAsync(modelId, cancellationToken).ConfigureAwait(false))?.Version;
    }

    public async ValueTask<IReadOnlyList<ModelVersionInfo>> ListVersionsAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ValidateId(modelId);
        var current = await GetCurrentVersionAsync(modelId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No model '{modelId}' is stored in the registry.");
        var prefix = VersionsPrefix(modelId);
        var versions = new List<ModelVersionInfo>();
        string? after = null;
        do
        {
            var page = await _store.ScanAsync(prefix, after, 100, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                var version = long.Parse(entry.Key.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);
                try
                {
                    var info = Decode(modelId, version, entry.Key, entry.Value).Info;
                    versions.Add(info with { IsCurrent = version == current });
                }
                catch (ModelCorruptedException ex)
                {
                    versions.Add(new ModelVersionInfo(modelId, version, "", default, new Dictionary<string, double>(), [], "", 0, version == current, ex.Message));
                }
            }

            after = page.ContinuationKey;
        }
        while (after is not null);

        return versions;
    }

    public async ValueTask<ModelComparison> CompareAsync(string modelId, long baselineVersion, long candidateVersion, CancellationToken cancellationToken = default)
    {
        var baseline = (await LoadAsync(modelId, baselineVersion, cancellationToken).ConfigureAwait(false)).Info.Metrics;
        var candidate = (await LoadAsync(modelId, candidateVersion, cancellationToken).ConfigureAwait(false)).Info.Metrics;
        var names = baseline.Keys.Union(candidate.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var rows = names.Select(name =>
        {
            double? b = baseline.TryGetValue(name, out var x) ? x : null;
            double? c = candidate.TryGetValue(name, out var y) ? y : null;
            return new ModelMetricComparison(name, b, c, b is not null && c is not null ? c - b : null);
        }).ToList();
        return new ModelComparison(modelId, baselineVersion, candidateVersion, rows);
    }

    internal static string VersionKey(string modelId, long version) =>
        string.Create(CultureInfo.InvariantCulture, $"{VersionsPrefix(modelId)}{version:D19}");

    internal static string CurrentKey(string modelId) => Prefix + modelId + "/current";

    internal static byte[] Encode(LearningModel message)
    {
        var raw = message.ToByteArray();
        var buffer = new byte[EnvelopeHeader + LZ4Codec.MaximumOutputSize(raw.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, EnvelopeMagic);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), raw.Length);
        var compressed = LZ4Codec.Encode(raw, buffer.AsSpan(EnvelopeHeader), LZ4Level.L00_FAST);
        return buffer.AsSpan(0, EnvelopeHeader + compressed).ToArray();
    }

    private static string VersionsPrefix(string modelId) => Prefix + modelId + "/versions/";

    private static string LatestKey(string modelId) => Prefix + modelId + "/latest";

    private async ValueTask<StoredModel> ReadVersionAsync(string modelId, long version, CancellationToken cancellationToken)
    {
        if (version < 1)
        {
            throw new KeyNotFoundException($"Model '{modelId}' has no version {version}; versions start at 1.");
        }

        var key = VersionKey(modelId, version);
        var entry = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Model '{modelId}' has no version {version}.");
        return Decode(modelId, version, key, entry.Value);
    }

    private static StoredModel Decode(string modelId, long version, string key, ReadOnlyMemory<byte> value)
    {
        string Where() => $"Model '{modelId}' version {version} (state key '{key}')";
        var span = value.Span;
        if (span.Length < EnvelopeHeader || BinaryPrimitives.ReadUInt32LittleEndian(span) != EnvelopeMagic)
        {
            throw new ModelCorruptedException($"{Where()} is corrupt: the value is not a model envelope. Roll back to an intact version.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        if (length is < 1 or > MaxModelBytes)
        {
            throw new ModelCorruptedException($"{Where()} is corrupt: it declares {length} uncompressed bytes.");
        }

        var raw = new byte[length];
        var decoded = LZ4Codec.Decode(span[EnvelopeHeader..], raw);
        if (decoded != length)
        {
            throw new ModelCorruptedException($"{Where()} is corrupt: the LZ4 block does not decompress to the declared {length} bytes.");
        }

        LearningModel message;
        try
        {
            message = LearningModel.Parser.ParseFrom(raw);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelCorruptedException($"{Where()} is corrupt: the LearningModel protobuf does not parse.", ex);
        }

        if (message.ModelId != modelId || message.Version != version)
        {
            throw new ModelCorruptedException($"{Where()} is corrupt: it holds model '{message.ModelId}' version {message.Version}.");
        }

        var hash = SHA256.HashData(message.ModelData.Span);
        if (!hash.AsSpan().SequenceEqual(message.ContentHash.Span))
        {
            throw new ModelCorruptedException(
                $"{Where()} is corrupt: the SHA-256 of its data is {Convert.ToHexStringLower(hash)}, not the recorded {Convert.ToHexStringLower(message.ContentHash.Span)}.");
        }

        var info = new ModelVersionInfo(
            modelId,
            version,
            message.ModelType,
            message.CreatedAt?.ToDateTimeOffset() ?? default,
            new Dictionary<string, double>(message.PerformanceMetrics, StringComparer.Ordinal),
            [.. message.ParentVersions],
            Convert.ToHexStringLower(hash),
            message.ModelData.Length,
            false);
        return new StoredModel(info, message.ModelData.Memory);
    }

    private async ValueTask<long> AllocateVersionAsync(string modelId, CancellationToken cancellationToken)
    {
        var key = LatestKey(modelId);
        while (true)
        {
            var entry = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var next = (entry is null ? 0 : ReadCounter(entry)) + 1;
            var result = await _store.CompareAndSwapAsync(key, entry?.Version ?? StateVersion.Absent, Counter(next), cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return next;
            }
        }
    }

    private static byte[] Counter(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static long ReadCounter(StateEntry entry) =>
        entry.Value.Length == 8 ? BinaryPrimitives.ReadInt64LittleEndian(entry.Value.Span) : throw new ModelCorruptedException($"State key '{entry.Key}' should hold an 8-byte version number.");

    private static void ValidateId(string modelId)
    {
        if (modelId is null || !ModelIdPattern().IsMatch(modelId))
        {
            throw new ArgumentException($"Model id '{modelId}' is invalid: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit.", nameof(modelId));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelIdPattern();
}
