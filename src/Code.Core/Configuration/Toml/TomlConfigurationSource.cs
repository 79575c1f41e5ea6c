using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration.Toml;

/// <summary>A configuration source that reads a TOML file (for example the design's <c>config.toml</c>).</summary>
public sealed class TomlConfigurationSource : FileConfigurationSource
{
    /// <summary>
    /// Gets or sets the configuration path the file's tables are placed under; <see langword="null"/> or empty
    /// places them at the root. With <c>Code</c>, <c>[core] port = 1</c> becomes <c>Code:core:port</c>.
    /// </summary>
    public string? SectionPrefix { get; set; }

    /// <inheritdoc />
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new TomlConfigurationProvider(this);
    }
}
