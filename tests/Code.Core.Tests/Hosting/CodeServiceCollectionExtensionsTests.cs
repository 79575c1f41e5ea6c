using Code.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Code.Core.Tests.Hosting;

public sealed class CodeServiceCollectionExtensionsTests
{
    [Fact]
    public void AddCode_twice_registers_the_core_services_once()
    {
        var once = new ServiceCollection();
        once.AddCode();
        var twice = new ServiceCollection();
        twice.AddCode();
        twice.AddCode();

        Assert.Equal(Describe(once), Describe(twice));
        Assert.Single(twice, d => d.ServiceType == typeof(IValidateOptions<CodeOptions>));
        Assert.Single(twice, d => d.ServiceType == typeof(TimeProvider));
    }

    [Fact]
    public void AddCode_returns_a_builder_over_the_same_services()
    {
        var services = new ServiceCollection();

        var builder = services.AddCode();

        Assert.Same(services, builder.Services);
    }

    [Fact]
    public void Configure_delegates_from_repeated_calls_all_apply_in_order()
    {
        var services = new ServiceCollection();
        services.AddCode(o => o.Core.Port = 9000);
        services.AddCode(o => o.Core.MaxConnections = 12);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<CodeOptions>>().Value;

        Assert.Equal(9000, options.Core.Port);
        Assert.Equal(12, options.Core.MaxConnections);
    }

    [Fact]
    public void A_host_supplied_TimeProvider_is_kept()
    {
        var services = new ServiceCollection();
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        services.AddSingleton<TimeProvider>(fake);
        services.AddCode();
        using var provider = services.BuildServiceProvider();

        Assert.Same(fake, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddCode());
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCode((Action<CodeOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCode((Microsoft.Extensions.Configuration.IConfiguration)null!));
    }

    private static string[] Describe(IServiceCollection services) =>
        services.Select(d => $"{d.ServiceType.FullName}|{d.ImplementationType?.FullName}|{d.Lifetime}").ToArray();
}
