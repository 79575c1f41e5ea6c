using System.Text;
using Code.Core.Configuration;
using Code.Core.Persistence;
using Code.Core.State;
using Code.Core.State.Redis;
using Code.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Code.Core.Tests.State;

/// <summary>Key rotation: values under an old key id stay readable, new ones are written under the new id, and the re-encryption pass rewrites the old ones.</summary>
public sealed class StateReencryptionTests(GarnetServerFixture server) : IClassFixture<GarnetServerFixture>
{
    private static readonly byte[] OldKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] NewKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static StoredValueCodec Codec(int current, params (int Id, byte[] Key)[] keys) =>
        new(64, new StateEncryptionKey(current, keys.ToDictionary(k => k.Id, k => k.Key)));

    [Fact]
    public async Task On_Redis_the_pass_rewrites_only_old_values_in_place_keeping_versions_and_leases()
    {
        var prefix = GarnetServerFixture.UniquePrefix();
        long versionA, versionB;
        StateLease? lease;
        await using (var before = await RedisStateStore.ConnectAsync(server.Configuration, prefix, StateLimits.Default, Codec(1, (1, OldKey)), _time))
        {
            versionA = await before.PutAsync("app/a", Bytes("alpha"));
            versionB = await before.PutAsync("app/b", Bytes(new string('b', 500)));
            lease = await before.TryAcquireLeaseAsync("app", "host-1", TimeSpan.FromHours(1));
        }

        await using var rotated = await RedisStateStore.ConnectAsync(server.Configuration, prefix, StateLimits.Default, Codec(2, (1, OldKey), (2, NewKey)), _time);
        var versionC = await rotated.PutAsync("app/c", Bytes("written after rotation"));
        var revision = await rotated.GetRevisionAsync();

        var rewritten = await rotated.ReencryptValuesAsync();
        var again = await rotated.ReencryptValuesAsync();

        Assert.Equal(3, rewritten);
        Assert.Equal(0, again);
        Assert.Equal(revision, await rotated.GetRevisionAsync());
        await using var newKeyOnly = await RedisStateStore.ConnectAsync(server.Configuration, prefix, StateLimits.Default, Codec(2, (2, NewKey)), _time);
        Assert.Equal(("alpha", versionA), Read(await newKeyOnly.GetAsync("app/a")));
        Assert.Equal((new string('b', 500), versionB), Read(await newKeyOnly.GetAsync("app/b")));
        Assert.Equal(("written after rotation", versionC), Read(await newKeyOnly.GetAsync("app/c")));
        var renewed = await newKeyOnly.RenewLeaseAsync(lease!, TimeSpan.FromHours(1));
        Assert.Equal(lease!.FencingToken, renewed!.FencingToken);
    }

    [Fact]
    public async Task On_the_FASTER_store_the_pass_rewrites_every_value_so_the_old_key_can_be_retired()
    {
        using var directory = new TemporaryDirectory();
        long oldVersion;
        await using (var before = Host(directory, s => s.UseStateEncryption(OldKey)))
        {
            oldVersion = await before.GetRequiredService<IStateStore>().PutAsync("app/a", Bytes("alpha"));
        }

        await using (var rotated = Host(directory, s => s.UseStateEncryption(2, new Dictionary<int, byte[]> { [1] = OldKey, [2] = NewKey })))
        {
            var store = rotated.GetRequiredService<IStateStore>();
            await store.PutAsync("app/b", Bytes("beta"));

            Assert.Equal(2, await store.ReencryptValuesAsync());
        }

        await using var retired = Host(directory, s => s.UseStateEncryption(2, new Dictionary<int, byte[]> { [2] = NewKey }));
        var entry = await retired.GetRequiredService<IStateStore>().GetAsync("app/a");
        Assert.Equal("alpha", Encoding.UTF8.GetString(entry!.Value.Span));
        Assert.True(entry.Version > oldVersion);
        Assert.Equal("beta", Encoding.UTF8.GetString((await retired.GetRequiredService<IStateStore>().GetAsync("app/b"))!.Value.Span));
    }

    [Fact]
    public async Task Turning_encryption_on_refuses_unencrypted_values_until_migration_is_allowed_and_the_pass_has_run()
    {
        using var directory = new TemporaryDirectory();
        await using (var plain = Host(directory, _ => { }))
        {
            await plain.GetRequiredService<IStateStore>().PutAsync("app/a", Bytes("written in the clear"));
        }

        await using (var encrypted = Host(directory, s => s.UseStateEncryption(OldKey)))
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await encrypted.GetRequiredService<IStateStore>().GetAsync("app/a"));
            Assert.Contains("persistence.accept_unencrypted_values", error.Message, StringComparison.Ordinal);
        }

        await using (var migrating = Host(directory, s => s.UseStateEncryption(OldKey), o => o.Persistence.AcceptUnencryptedValues = true))
        {
            Assert.Equal(1, await migrating.GetRequiredService<IStateStore>().ReencryptValuesAsync());
        }

        await using var migrated = Host(directory, s => s.UseStateEncryption(OldKey));
        Assert.Equal("written in the clear", Encoding.UTF8.GetString((await migrated.GetRequiredService<IStateStore>().GetAsync("app/a"))!.Value.Span));
    }

    [Fact]
    public async Task The_in_memory_store_keeps_nothing_at_rest_so_the_pass_rewrites_nothing()
    {
        await using var store = new InMemoryStateStore(_time);
        var version = await store.PutAsync("k", Bytes("v"));

        Assert.Equal(0, await store.ReencryptValuesAsync());
        Assert.Equal(version, (await store.GetAsync("k"))!.Version);
    }

    private ServiceProvider Host(TemporaryDirectory directory, Action<Code.Core.Hosting.ICodeBuilder> encryption, Action<CodeOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        encryption(services.AddCode(o =>
        {
            o.Core.DataDirectory = directory.Path;
            o.Memory.IndexBuckets = 1024;
            configure?.Invoke(o);
        }));
        return services.BuildServiceProvider();
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static (string Text, long Version) Read(StateEntry? entry) => (Encoding.UTF8.GetString(entry!.Value.Span), entry.Version);
}
