using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Code.Experts.Diagnostics;

/// <summary>
/// The one <see cref="Meter"/> and one <see cref="ActivitySource"/> of Code.Experts, both named
/// <c>Code.Experts</c>, and its instruments (documented in docs/experts.md).
/// </summary>
internal static class ExpertsDiagnostics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Code.Experts";

    /// <summary>The name of the activity started for each consultation.</summary>
    public const string ConsultActivityName = "experts.consult";

    /// <summary>The name of the child activity started for each call put to an expert (opinion, ranking, synthesis).</summary>
    public const string ExpertCallActivityName = "experts.expert_call";

    /// <summary>Gets the package's meter.</summary>
    public static Meter Meter { get; } = new(Name, typeof(ExpertsDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the package's activity source.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(ExpertsDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the count of consultations, tagged <c>outcome</c> (consensus, no_consensus, cached) and <c>aggregation</c>.</summary>
    public static Counter<long> Consultations { get; } = Meter.CreateCounter<long>(
        "code.experts.consultations", "{consultation}", "Consultations completed, by outcome and aggregation.");

    /// <summary>Gets the duration of consultations, in seconds.</summary>
    public static Histogram<double> ConsultationDuration { get; } = Meter.CreateHistogram<double>(
        "code.experts.consultation.duration", "s", "Wall time of a consultation, from question to result.");

    /// <summary>Gets each expert's latency, in seconds, tagged <c>expert</c> and <c>status</c>.</summary>
    public static Histogram<double> ExpertDuration { get; } = Meter.CreateHistogram<double>(
        "code.experts.expert.duration", "s", "Time an expert took for its opinion, including the repair re-ask.");

    /// <summary>Gets the count of failed opinions, tagged <c>expert</c> and <c>status</c> (timedOut, failed, unusable, abstained).</summary>
    public static Counter<long> ExpertFailures { get; } = Meter.CreateCounter<long>(
        "code.experts.expert.failures", "{opinion}", "Opinions without a usable answer, by expert and reason.");

    /// <summary>Gets the tokens used, tagged <c>expert</c> and <c>direction</c> (input, output).</summary>
    public static Counter<long> Tokens { get; } = Meter.CreateCounter<long>(
        "code.experts.tokens", "{token}", "Tokens reported by the experts' models.");
}
