using System.Text.Json;

namespace Code.Deploy.Specs;

/// <summary>
/// A reference to an extension registered by the host (a canary step plugin, an analysis provider or a
/// gate), with its configuration. The extension validates <see cref="Config"/> itself.
/// </summary>
/// <param name="Name">The name the extension is registered under (for example <c>acme/smoke-test</c>).</param>
public sealed record PluginSpec(string Name)
{
    /// <summary>Gets the extension's configuration as a JSON value, or <see langword="null"/>.</summary>
    public JsonElement? Config { get; init; }
}
