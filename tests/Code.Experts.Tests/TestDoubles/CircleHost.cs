using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Code.Experts.Tests.TestDoubles;

/// <summary>Builds a circle the way a host does (AddCode().AddExperts(...)), with a fake clock and an in-memory state store (or the one given).</summary>
internal sealed class CircleHost : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly InMemoryStateStore? _ownedStore;

    public CircleHost(
        Action<IExpertsBuilder> experts, Action<ExpertsOptions>? options = null, IStateStore? store = null, FakeTimeProvider? time = null, RecordingLoggerProvider? logs = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        _ownedStore = store is null ? new InMemoryStateStore(Time) : null;
        Store = store ?? _ownedStore!;
        services.AddSingleton(Store);
        if (logs is not null)
        {
            services.AddLogging(b => b.AddProvider(logs));
        }

        services.AddCode().AddExperts(e =>
        {
            experts(e);
            e.Configure(o =>
            {
                o.Seed = 7;
                options?.Invoke(o);
            });
        });
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Time { get; }

    public ICircleOfExperts Circle => _provider.GetRequiredService<ICircleOfExperts>();

    public IServiceProvider Services => _provider;

    public IStateStore Store { get; }

    public void Dispose()
    {
        _provider.Dispose();
        _ownedStore?.Dispose();
    }
}
