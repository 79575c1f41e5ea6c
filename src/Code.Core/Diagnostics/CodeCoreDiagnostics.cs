using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Code.Core.Diagnostics;

/// <summary>
/// The one <see cref="Meter"/> and one <see cref="ActivitySource"/> of Code.Core, both named
/// <c>Code.Core</c>. Features define their instruments on <see cref="Meter"/> in their own folder
/// (for example <c>State/StateStoreMetrics.cs</c>) and document each instrument's name and unit in
/// docs/.
/// </summary>
internal static class CodeCoreDiagnostics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Code.Core";

    /// <summary>Gets the package's meter.</summary>
    public static Meter Meter { get; } = new(Name, typeof(CodeCoreDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the package's activity source; start activities only when <see cref="ActivitySource.HasListeners"/>.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(CodeCoreDiagnostics).Assembly.GetName().Version?.ToString());
}
