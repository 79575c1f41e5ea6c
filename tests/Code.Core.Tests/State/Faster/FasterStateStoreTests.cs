using Code.Core.State;
using Code.Core.State.Faster;
using Code.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.State.Faster;

/// <summary>The FASTER store against the <see cref="IStateStore"/> contract.</summary>
public sealed class FasterStateStoreTests : StateStoreContractTests, IDisposable
{
    private readonly TemporaryDirectory _directory = new("code-faster");

    public void Dispose() => _directory.Dispose();

    internal static FasterStateStoreSettings Settings(string directory, TimeProvider time, StateLimits? limits = null, int historyCapacity = 1000) =>
        new(directory)
        {
            Limits = limits ?? Limits,
            TimeProvider = time,
            CacheSizeBytes = 1 << 22,
            IndexBuckets = 1 << 12,
            HistoryCapacity = historyCapacity,
            CheckpointInterval = TimeSpan.FromMinutes(10),
        };

    private protected override async Task<IStateStore> OpenStoreAsync(FakeTimeProvider time, StateLimits limits, int historyCapacity) =>
        await FasterStateStore.OpenAsync(Settings(_directory.Path, time, limits, historyCapacity));
}
