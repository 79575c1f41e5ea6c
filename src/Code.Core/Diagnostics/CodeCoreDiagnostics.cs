using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Code.Core.Diagnostics;

/// <summary>
/// The <see cref="Meter"/> and the <see cref="ActivitySource"/> of Code.Core, both named <c>Code.Core</c>. Meters come
/// from the host's <see cref="IMeterFactory"/> (one per factory, so a test or a host observes only its own), or, for
/// parts built without one, from one process-wide meter. Features define their instruments in their own folder (for
/// example <c>State/StateStoreMetrics.cs</c>), once per meter, and document each instrument's name and unit in docs/.
/// </summary>
internal static class CodeCoreDiagnostics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Code.Core";

    private static readonly string? Version = typeof(CodeCoreDiagnostics).Assembly.GetName().Version?.ToString();

    /// <summary>Gets the meter of parts built without an <see cref="IMeterFactory"/>.</summary>
    public static Meter SharedMeter { get; } = new(Name, Version);

    /// <summary>Gets the package's activity source; start activities only when <see cref="ActivitySource.HasListeners"/>.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    /// <summary>Gets the <c>Code.Core</c> meter of a factory (the factory returns the same meter each time), or the shared one.</summary>
    /// <param name="meterFactory">The host's factory, or <see langword="null"/>.</param>
    /// <returns>The meter.</returns>
    public static Meter GetMeter(IMeterFactory? meterFactory) =>
        meterFactory is null ? SharedMeter : meterFactory.Create(new MeterOptions(Name) { Version = Version });
}
