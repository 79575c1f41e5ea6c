using Code.Core.Configuration.Toml;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds TOML files, such as the design's <c>config.toml</c>, to an <see cref="IConfigurationBuilder"/>.</summary>
public static class TomlConfigurationExtensions
{
    /// <summary>Adds a required TOML file whose tables sit at the configuration root.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file's path, relative to the builder's base path.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddTomlFile(this IConfigurationBuilder builder, string path) =>
        builder.AddTomlFile(path, optional: false, reloadOnChange: false, sectionPrefix: null);

    /// <summary>Adds a TOML file whose tables sit at the configuration root.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file's path, relative to the builder's base path.</param>
    /// <param name="optional">Whether a missing file is accepted.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddTomlFile(this IConfigurationBuilder builder, string path, bool optional) =>
        builder.AddTomlFile(path, optional, reloadOnChange: false, sectionPrefix: null);

    /// <summary>Adds a TOML file whose tables sit at the configuration root.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file's path, relative to the builder's base path.</param>
    /// <param name="optional">Whether a missing file is accepted.</param>
    /// <param name="reloadOnChange">Whether configuration reloads when the file changes.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddTomlFile(this IConfigurationBuilder builder, string path, bool optional, bool reloadOnChange) =>
        builder.AddTomlFile(path, optional, reloadOnChange, sectionPrefix: null);

    /// <summary>Adds a TOML file whose tables are placed under <paramref name="sectionPrefix"/>.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file's path, relative to the builder's base path.</param>
    /// <param name="optional">Whether a missing file is accepted.</param>
    /// <param name="reloadOnChange">Whether configuration reloads when the file changes.</param>
    /// <param name="sectionPrefix">The section the file's tables go under, for example <c>Code</c>; <see langword="null"/> for the root.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddTomlFile(
        this IConfigurationBuilder builder, string path, bool optional, bool reloadOnChange, string? sectionPrefix)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);

        return builder.Add<TomlConfigurationSource>(source =>
        {
            source.Path = path;
            source.Optional = optional;
            source.ReloadOnChange = reloadOnChange;
            source.SectionPrefix = sectionPrefix;
            source.ResolveFileProvider();
        });
    }

    /// <summary>Adds a CODE <c>config.toml</c> under the <c>Code</c> section, where <c>AddCode(configuration.GetSection("Code"))</c> reads it.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file's path; the default is <c>config.toml</c>.</param>
    /// <param name="optional">Whether a missing file is accepted.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddCodeToml(this IConfigurationBuilder builder, string path = "config.toml", bool optional = true) =>
        builder.AddTomlFile(path, optional, reloadOnChange: false, sectionPrefix: "Code");
}
