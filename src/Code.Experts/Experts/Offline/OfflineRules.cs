using System.Globalization;
using Code.Experts.Consultation;

namespace Code.Experts.Experts.Offline;

/// <summary>The deterministic rules of the offline experts, over the evidence names in <see cref="EvidenceNames"/>.</summary>
internal static class OfflineRules
{
    public static RuleVerdict? Judge(OfflineExpertKind kind, IReadOnlyList<Evidence> evidence, OfflineExpertOptions options) => kind switch
    {
        OfflineExpertKind.ErrorRate => ErrorRate(evidence, options),
        OfflineExpertKind.Latency => Latency(evidence, options),
        _ => ChangeRisk(evidence, options),
    };

    private static RuleVerdict? ErrorRate(IReadOnlyList<Evidence> evidence, OfflineExpertOptions options)
    {
        var delta = Number(evidence, EvidenceNames.ErrorRateDelta);
        var score = Number(evidence, EvidenceNames.CanaryScore);
        if (delta is null && score is null)
        {
            return null;
        }

        RuleVerdict? byDelta = delta is { } d ? Threshold(d, options.HoldErrorRateDelta, options.RollbackErrorRateDelta, "error rate delta", "{0:+0.###%;-0.###%;0%}") : null;
        RuleVerdict? byScore = score is { } s ? Threshold(-s, -options.HoldCanaryScore, -options.RollbackCanaryScore, "canary score", "{0:0.###}", negate: true) : null;
        if (byDelta is null)
        {
            return byScore;
        }

        if (byScore is null)
        {
            return byDelta;
        }

        // The more severe finding decides; agreeing findings add confidence.
        var worst = byScore.Severity > byDelta.Severity ? byScore : byDelta;
        var other = ReferenceEquals(worst, byScore) ? byDelta : byScore;
        var confidence = worst.Severity == other.Severity ? Math.Min(0.99, Math.Max(worst.Confidence, other.Confidence) + 0.05) : worst.Confidence;
        return new RuleVerdict(worst.Severity, confidence, worst.Rationale + "; " + other.Rationale);
    }

    private static RuleVerdict? Latency(IReadOnlyList<Evidence> evidence, OfflineExpertOptions options)
        => Number(evidence, EvidenceNames.LatencyDeltaPercent) is { } delta
            ? Threshold(delta, options.HoldLatencyDeltaPercent, options.RollbackLatencyDeltaPercent, "p95 latency delta", "{0:+0.#;-0.#;0}%")
            : null;

    private static RuleVerdict? ChangeRisk(IReadOnlyList<Evidence> evidence, OfflineExpertOptions options)
    {
        var lines = Number(evidence, EvidenceNames.ChangedLines);
        var files = Number(evidence, EvidenceNames.ChangedFiles);
        var texts = evidence.Where(e => e.Text is not null).Select(e => e.Text!).ToList();
        if (lines is null && files is null && texts.Count == 0)
        {
            return null;
        }

        var risky = options.RiskyWords
            .Where(w => !string.IsNullOrWhiteSpace(w) && texts.Any(t => t.Contains(w, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var size = lines is { } l ? Math.Clamp(l / options.LargeChangeLines, 0, 1) : 0;
        var breadth = files is { } f ? Math.Clamp(f / options.LargeChangeFiles, 0, 1) : 0;
        var areas = Math.Min(1, risky.Count / 2.0);
        var risk = (0.4 * size) + (0.2 * breadth) + (0.4 * areas);
        var rationale = string.Create(
            CultureInfo.InvariantCulture,
            $"change risk {risk:0.00} (hold from {options.HoldRiskScore:0.00}): {lines ?? 0:0} lines, {files ?? 0:0} files, risky areas: {(risky.Count == 0 ? "none" : string.Join(", ", risky))}");
        var distance = Math.Abs(risk - options.HoldRiskScore);
        var confidence = Math.Round(Math.Min(0.9, 0.55 + distance), 3);
        return new RuleVerdict(risk >= options.HoldRiskScore ? Severity.Hold : Severity.Promote, confidence, rationale);
    }

    /// <summary>Promote below <paramref name="hold"/>, hold below <paramref name="rollback"/>, rollback above; confidence grows with the distance from the nearest threshold.</summary>
    private static RuleVerdict Threshold(double value, double hold, double rollback, string what, string format, bool negate = false)
    {
        var shown = string.Format(CultureInfo.InvariantCulture, format, negate ? -value : value);
        var holdShown = string.Format(CultureInfo.InvariantCulture, format, negate ? -hold : hold);
        var rollbackShown = string.Format(CultureInfo.InvariantCulture, format, negate ? -rollback : rollback);
        var span = Math.Max(Math.Abs(rollback - hold), 1e-9);
        if (value >= rollback)
        {
            var confidence = 0.75 + (0.2 * Math.Min(1, (value - rollback) / span));
            return new RuleVerdict(Severity.Rollback, Math.Round(confidence, 3), $"{what} {shown} is past the rollback threshold {rollbackShown}");
        }

        if (value >= hold)
        {
            return new RuleVerdict(Severity.Hold, 0.6, $"{what} {shown} is between the hold threshold {holdShown} and the rollback threshold {rollbackShown}");
        }

        var margin = Math.Min(1, (hold - value) / span);
        return new RuleVerdict(Severity.Promote, Math.Round(0.6 + (0.35 * margin), 3), $"{what} {shown} is under the hold threshold {holdShown}");
    }

    private static double? Number(IReadOnlyList<Evidence> evidence, string name)
        => evidence.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;
}
