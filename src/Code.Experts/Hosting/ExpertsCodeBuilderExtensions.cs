using System.Text.RegularExpressions;
using Code.Core.Hosting;
using Code.Core.State;
using Code.Experts.Consultation;
using Code.Experts.Experts;
using Code.Experts.Experts.Offline;
using Code.Experts.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the circle of experts (<see cref="ICircleOfExperts"/>) on a CODE host.</summary>
public static partial class ExpertsCodeBuilderExtensions
{
    /// <summary>
    /// Adds the circle of experts. Calling it again adds more experts to the same circle. Its options
    /// (<see cref="ExpertsOptions"/>) bind from the <c>experts</c> section of the CODE configuration tree
    /// (<c>Code:experts</c>, a <c>[experts]</c> table in config.toml) when the host called
    /// <c>AddCode(IConfiguration)</c>, with unknown keys failing start-up; <c>Configure</c> changes them in code.
    /// The circle reads and learns expert reliability, and caches results, in the host's
    /// <see cref="IStateStore"/> when one is registered.
    /// </summary>
    /// <param name="builder">The CODE builder.</param>
    /// <param name="configure">Adds the experts and sets options.</param>
    /// <returns>The CODE builder.</returns>
    public static ICodeBuilder AddExperts(this ICodeBuilder builder, Action<IExpertsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        builder.AddOptionsSection<ExpertsOptions>(ExpertsDefaults.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExpertsOptions>, ExpertsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICircleOfExperts>(CreateCircle);
        configure(new ExpertsBuilder(services));
        return builder;
    }

    /// <summary>Adds an expert backed by a chat client (any Microsoft.Extensions.AI provider).</summary>
    /// <param name="builder">The experts builder.</param>
    /// <param name="name">The expert's name: 1 to 64 letters, digits, '.', '_' or '-', unique ignoring case.</param>
    /// <param name="client">The chat client; the host owns and disposes it.</param>
    /// <param name="configure">Sets the role prompt, weight, model id, timeout.</param>
    /// <returns>The experts builder.</returns>
    public static IExpertsBuilder AddChatExpert(this IExpertsBuilder builder, string name, IChatClient client, Action<ChatExpertOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Register(builder, name, _ => client, configure);
    }

    /// <summary>
    /// Adds an expert backed by the keyed <see cref="IChatClient"/> the host registered (for example with
    /// <c>services.AddKeyedChatClient("gpt", ...)</c> from Microsoft.Extensions.AI).
    /// </summary>
    /// <param name="builder">The experts builder.</param>
    /// <param name="name">The expert's name: 1 to 64 letters, digits, '.', '_' or '-', unique ignoring case.</param>
    /// <param name="serviceKey">The key the chat client is registered under.</param>
    /// <param name="configure">Sets the role prompt, weight, model id, timeout.</param>
    /// <returns>The experts builder.</returns>
    public static IExpertsBuilder AddKeyedChatExpert(this IExpertsBuilder builder, string name, object serviceKey, Action<ChatExpertOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return Register(builder, name, sp => sp.GetRequiredKeyedService<IChatClient>(serviceKey), configure);
    }

    /// <summary>
    /// Adds a built-in expert that needs no API key (see <see cref="OfflineExpertKind"/>): a rule set, or the
    /// learned expert, whose model lives in the host's <see cref="IStateStore"/> and learns from every outcome
    /// reported to the circle.
    /// </summary>
    /// <param name="builder">The experts builder.</param>
    /// <param name="name">The expert's name: 1 to 64 letters, digits, '.', '_' or '-', unique ignoring case.</param>
    /// <param name="kind">Its rule set.</param>
    /// <param name="configure">Sets its thresholds and weight.</param>
    /// <returns>The experts builder.</returns>
    public static IExpertsBuilder AddOfflineExpert(this IExpertsBuilder builder, string name, OfflineExpertKind kind, Action<OfflineExpertOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ValidateName(name);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown offline expert kind.");
        }

        var options = new OfflineExpertOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(new ExpertRegistration(name, options, services => kind == OfflineExpertKind.LearnedOutcome
            ? new OfflineChatClient(kind, options, name, services.GetService<IStateStore>() is { } store
                ? new OutcomeModelStore(store, services.GetRequiredService<IOptions<ExpertsOptions>>().Value.StateKeyPrefix)
                : null)
            : new OfflineChatClient(kind, options, name)));
        return builder;
    }

    /// <summary>Adds the three offline experts with default thresholds: <c>offline-error-rate</c>, <c>offline-latency</c> and <c>offline-change-risk</c>.</summary>
    /// <param name="builder">The experts builder.</param>
    /// <returns>The experts builder.</returns>
    public static IExpertsBuilder AddOfflineExperts(this IExpertsBuilder builder)
        => builder
            .AddOfflineExpert("offline-error-rate", OfflineExpertKind.ErrorRate)
            .AddOfflineExpert("offline-latency", OfflineExpertKind.Latency)
            .AddOfflineExpert("offline-change-risk", OfflineExpertKind.ChangeRisk);

    /// <summary>Sets the circle's options in code.</summary>
    /// <param name="builder">The experts builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The experts builder.</returns>
    public static IExpertsBuilder Configure(this IExpertsBuilder builder, Action<ExpertsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    private static IExpertsBuilder Register(
        IExpertsBuilder builder, string name, Func<IServiceProvider, IChatClient> clientFactory, Action<ChatExpertOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ValidateName(name);
        var options = new ChatExpertOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(new ExpertRegistration(name, options, clientFactory));
        return builder;
    }

    private static CircleOfExperts CreateCircle(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ExpertsOptions>>().Value;
        var experts = services.GetServices<ExpertRegistration>()
            .Select(r => new Expert(r.Name, r.ClientFactory(services), r.Options, r.Options.Timeout ?? options.PerExpertTimeout))
            .ToArray();
        return new CircleOfExperts(
            experts,
            options,
            services.GetRequiredService<TimeProvider>(),
            services.GetService<IStateStore>(),
            services.GetService<ILogger<CircleOfExperts>>());
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ExpertName().IsMatch(name))
        {
            throw new ArgumentException($"The expert name '{name}' is not valid: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.", nameof(name));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExpertName();
}
