using Code.Core.Configuration;
using Code.Core.Hosting;
using Code.Core.Persistence;
using Code.Core.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CODE SDK core services in an <see cref="IServiceCollection"/>.</summary>
public static class CodeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the CODE core services with default <see cref="CodeOptions"/>. Calling it more than once
    /// registers the services once; every registration can be replaced by the host.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder that the other CODE packages extend.</returns>
    public static ICodeBuilder AddCode(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        if (services.Any(d => d.ServiceType == typeof(CodeMarkerService)))
        {
            return new CodeBuilder(services);
        }

        services.AddSingleton<CodeMarkerService>();
        services.AddOptions<CodeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CodeOptions>, CodeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStateStore>(StateStoreFactory.Create);
        services.TryAddSingleton<IAuditLog>(AuditLogFactory.Create);

        return new CodeBuilder(services);
    }

    /// <summary>Adds the CODE core services and configures <see cref="CodeOptions"/> in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options; runs after any configuration binding.</param>
    /// <returns>A builder that the other CODE packages extend.</returns>
    public static ICodeBuilder AddCode(this IServiceCollection services, Action<CodeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);

        var builder = services.AddCode();
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds the CODE core services and binds <see cref="CodeOptions"/> from a configuration section
    /// (typically <c>Configuration.GetSection("Code")</c>, from appsettings.json or a config.toml).
    /// A key that matches no option fails start-up, so a misspelt key is never silently ignored.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <c>core</c>, <c>learning</c>, <c>memory</c>, <c>deploy_code</c> and <c>persistence</c>.</param>
    /// <returns>A builder that the other CODE packages extend.</returns>
    public static ICodeBuilder AddCode(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var builder = services.AddCode();
        services.AddOptions<CodeOptions>().Bind(configuration);
        services.RemoveAll<CodeConfigurationTree>();
        services.AddSingleton(new CodeConfigurationTree(configuration));
        services.AddSingleton<IValidateOptions<CodeOptions>>(sp =>
            new CodeConfigurationKeysValidator(configuration, sp.GetServices<CodeSectionRegistration>()));
        return builder;
    }

    /// <summary>
    /// Binds a package's options from its own section of the CODE configuration tree, <c>Code:&lt;sectionName&gt;</c>
    /// (a <c>[sectionName]</c> table in config.toml), so a host configures every CODE package in one tree. The
    /// section joins the known sections: its keys are checked like Code.Core's, and a key that no property of
    /// <typeparamref name="TOptions"/> reads (by its <see cref="ConfigurationKeyNameAttribute"/> or its name)
    /// fails start-up with the key's path. A section that Code.Core already owns (for example <c>learning</c>)
    /// may be extended: its known keys are then those of both types. Binding happens only when the host called
    /// <see cref="AddCode(IServiceCollection, IConfiguration)"/>; settings made in code after this call run after it.
    /// Calling it twice for the same section and type registers it once.
    /// </summary>
    /// <typeparam name="TOptions">The package's options type.</typeparam>
    /// <param name="builder">The CODE builder.</param>
    /// <param name="sectionName">The section's key under <c>Code</c>: letters, digits and '_', for example <c>experts</c>.</param>
    /// <returns>The options builder, for validation (<c>ValidateOnStart</c>) and further configuration.</returns>
    public static OptionsBuilder<TOptions> AddOptionsSection<TOptions>(this ICodeBuilder builder, string sectionName)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(sectionName);
        if (!sectionName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"The section name '{sectionName}' is not valid: use ASCII letters, digits and '_'.", nameof(sectionName));
        }

        var services = builder.Services;
        var options = services.AddOptions<TOptions>();
        var registration = new CodeSectionRegistration(sectionName, typeof(TOptions));
        if (services.Any(d => d.ServiceType == typeof(CodeSectionRegistration) && Equals(d.ImplementationInstance, registration)))
        {
            return options;
        }

        services.AddSingleton(registration);
        options.Configure<IServiceProvider>((value, sp) =>
        {
            if (sp.GetService<CodeConfigurationTree>() is { } tree)
            {
                tree.Section.GetSection(sectionName).Bind(value);
            }
        });
        return options;
    }

    /// <summary>
    /// Encrypts state values at rest (AES-GCM) with a key the host supplies, for example from a secret
    /// store; the key gets key id 1. Reading a value written with a different key fails with an
    /// <see cref="InvalidDataException"/>, never with wrong bytes, and so does reading a value stored
    /// unencrypted unless <c>persistence.accept_unencrypted_values</c> is on (to migrate). Keys are not encrypted.
    /// </summary>
    /// <param name="builder">The CODE builder.</param>
    /// <param name="key">An AES key of 16, 24 or 32 bytes; copied.</param>
    /// <returns>The builder.</returns>
    public static ICodeBuilder UseStateEncryption(this ICodeBuilder builder, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStateEncryption(new StateEncryptionKey(key));
    }

    /// <summary>
    /// Encrypts state values at rest (AES-GCM) with several keys by id, for key rotation: new values are
    /// written under <paramref name="currentKeyId"/>, values under the other ids stay readable, and
    /// <see cref="StateStoreEncryptionExtensions.ReencryptValuesAsync"/> rewrites them under the current one.
    /// </summary>
    /// <param name="builder">The CODE builder.</param>
    /// <param name="currentKeyId">The id new values are written under; one of <paramref name="keys"/>.</param>
    /// <param name="keys">AES keys of 16, 24 or 32 bytes by id (1 or more; the key of the single-key overload has id 1); copied.</param>
    /// <returns>The builder.</returns>
    public static ICodeBuilder UseStateEncryption(this ICodeBuilder builder, int currentKeyId, IReadOnlyDictionary<int, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStateEncryption(new StateEncryptionKey(currentKeyId, keys));
    }

    private static ICodeBuilder UseStateEncryption(this ICodeBuilder builder, StateEncryptionKey keys)
    {
        builder.Services.RemoveAll<StateEncryptionKey>();
        builder.Services.AddSingleton(keys);
        return builder;
    }
}
