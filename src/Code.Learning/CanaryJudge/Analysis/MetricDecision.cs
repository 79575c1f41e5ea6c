using System.Globalization;
using Code.Learning.Statistics;

namespace Code.Learning.CanaryJudge.Analysis;

/// <summary>
/// Decides one prepared metric once the multiple-testing correction has given each of its tests a level:
/// intervals at those levels, classification (High/Low, Pass, Inconclusive), score, reason and the samples
/// an Inconclusive metric needs.
/// </summary>
internal static class MetricDecision
{
    public static CanaryMetricResult NoData(CanaryMetricConfig config, int baselineCount, int canaryCount, int removed, string reason) => new()
    {
        Name = config.Name,
        Group = config.Group,
        Classification = CanaryMetricClassification.NoData,
        Score = double.NaN,
        Reason = reason,
        PValue = double.NaN,
        ExactPValue = false,
        Confidence = double.NaN,
        Effect = double.NaN,
        RelativeEffect = double.NaN,
        EffectLower = double.NaN,
        EffectUpper = double.NaN,
        EquivalenceLower = double.NaN,
        EquivalenceUpper = double.NaN,
        ToleratedShift = double.NaN,
        BaselineMedian = double.NaN,
        CanaryMedian = double.NaN,
        BaselineCount = baselineCount,
        CanaryCount = canaryCount,
        Removed = removed,
        VarianceInflation = 1,
        Tails = [],
    };

    /// <param name="metric">The prepared metric (with data).</param>
    /// <param name="alpha">The analysis's α (1 - confidence), before any correction: the level of the equivalence bounds.</param>
    /// <param name="locationLevel">The level (α after correction) of the location test.</param>
    /// <param name="upperTailLevel">The level of the upper-tail test, or NaN when it is not made.</param>
    /// <param name="lowerTailLevel">The level of the lower-tail test, or NaN when it is not made.</param>
    public static CanaryMetricResult Decide(PreparedMetric metric, double alpha, double locationLevel, double upperTailLevel, double lowerTailLevel)
    {
        var config = metric.Config;
        var baseline = metric.Baseline;
        var canary = metric.Canary;
        var location = metric.Location;
        var effect = HodgesLehmann.Estimate(baseline, canary);
        var (lower, upper) = HodgesLehmann.ConfidenceInterval(baseline, canary, location, locationLevel);

        // One-sided bounds at confidence 1 - α each: the ends of the two-sided interval at 1 - 2α (an equivalence
        // test; no multiplicity correction is needed because the canary passes only if every metric does).
        // Tied data cannot show shifts smaller than their resolution (a bound sitting on a tied difference such as 0
        // does not rule out a rate that grew without moving any value a whole step), so the bounds are widened by it.
        var (boundLower, boundUpper) = HodgesLehmann.ConfidenceInterval(baseline, canary, location, 2 * alpha);
        (boundLower, boundUpper) = (boundLower - metric.Resolution, boundUpper + metric.Resolution);
        var baselineMedian = Quantiles.TypeSeven(baseline, 0.5);
        var reference = ReferenceLevel(baseline, baselineMedian);
        var tolerated = Math.Max(config.Tolerance * reference, config.AbsoluteTolerance);
        var harmUp = config.Direction is MetricDirection.Increase or MetricDirection.Either;
        var harmDown = config.Direction is MetricDirection.Decrease or MetricDirection.Either;
        var reachable = metric.LocationSmallestPValue < locationLevel;
        var text = new Formatter(reference);

        CanaryMetricClassification classification;
        double score;
        string reason;
        int? samplesNeeded = null;
        var shift = $"{text.Relative(effect)} [{text.Relative(lower)}, {text.Relative(upper)}] at {ConfidenceText(locationLevel)} (p = {PText(location.PValue)})";
        if (harmUp && lower > 0 && effect > tolerated)
        {
            classification = CanaryMetricClassification.High;
            score = ShareWithinTolerance(tolerated - lower, effect - lower);
            reason = $"canary higher by {shift}, beyond the tolerance {text.Magnitude(tolerated)}";
        }
        else if (harmDown && upper < 0 && effect < -tolerated)
        {
            classification = CanaryMetricClassification.Low;
            score = ShareWithinTolerance(upper + tolerated, upper - effect);
            reason = $"canary lower by {shift}, beyond the tolerance {text.Magnitude(tolerated)}";
        }
        else if (reachable && (!harmUp || boundUpper <= tolerated) && (!harmDown || boundLower >= -tolerated))
        {
            classification = CanaryMetricClassification.Pass;
            score = 100;
            var harmless = (lower > 0 && !harmUp) || (upper < 0 && !harmDown);
            reason = harmless
                ? $"canary {(lower > 0 ? "higher" : "lower")} by {shift}, which is not harmful for this metric"
                : $"no harmful shift beyond the tolerance {text.Magnitude(tolerated)}: {Bounds(text, boundLower, boundUpper, harmUp, harmDown, alpha)}; shift {shift}";
        }
        else
        {
            classification = CanaryMetricClassification.Inconclusive;
            score = double.NaN;
            samplesNeeded = reachable
                ? SamplesNeeded(metric, effect, lower, upper, boundLower, boundUpper, tolerated, harmUp, harmDown)
                : Math.Max(Math.Max(metric.BaselineCount, metric.CanaryCount) + 1, SmallestSignificantSize(location, locationLevel, metric.Inflation));
            var more = samplesNeeded is { } needed ? $"; about {needed} values per side would decide it if the shift stays" : "; the shift sits at the tolerance, so more data may not decide it";
            reason = !reachable
                ? $"inconclusive: {metric.BaselineCount} and {metric.CanaryCount} values cannot reach significance at {ConfidenceText(locationLevel)} (smallest possible p = {PText(metric.LocationSmallestPValue)}){more}"
                : $"inconclusive: the shift {shift} does not exceed the tolerance {text.Magnitude(tolerated)} significantly, and {Bounds(text, boundLower, boundUpper, harmUp, harmDown, alpha)} does not rule it out{more}";
        }

        var tails = new List<CanaryTailResult>(2);
        if (metric.UpperTail is { } up && !double.IsNaN(upperTailLevel))
        {
            tails.Add(Tail(metric, up, upperTailLevel, upward: true, ref classification, ref score, ref reason, text));
        }

        if (metric.LowerTail is { } down && !double.IsNaN(lowerTailLevel))
        {
            tails.Add(Tail(metric, down, lowerTailLevel, upward: false, ref classification, ref score, ref reason, text));
        }

        if (metric.OutlierNote is { } note)
        {
            reason += $" ({note})";
        }

        return new CanaryMetricResult
        {
            Name = config.Name,
            Group = config.Group,
            Classification = classification,
            Score = score,
            Reason = reason,
            PValue = location.PValue,
            ExactPValue = location.Exact,
            Confidence = 1 - locationLevel,
            Effect = effect,
            RelativeEffect = Relative(effect, reference),
            EffectLower = lower,
            EffectUpper = upper,
            EquivalenceLower = boundLower,
            EquivalenceUpper = boundUpper,
            ToleratedShift = tolerated,
            BaselineMedian = baselineMedian,
            CanaryMedian = Quantiles.TypeSeven(canary, 0.5),
            BaselineCount = metric.BaselineCount,
            CanaryCount = metric.CanaryCount,
            Removed = metric.Removed,
            VarianceInflation = metric.Inflation,
            Tails = tails,
            SamplesNeeded = classification == CanaryMetricClassification.Inconclusive ? samplesNeeded : null,
        };
    }

    /// <summary>A tail test at its level; a harmful tail shift beyond the tail tolerance fails the metric.</summary>
    private static CanaryTailResult Tail(PreparedMetric metric, TailRankTest test, double level, bool upward,
        ref CanaryMetricClassification classification, ref double score, ref string reason, Formatter text)
    {
        var (lower, upper) = test.Interval(level);
        var shift = test.Estimate();
        var reference = Math.Abs(test.FirstValue);
        var tolerated = Math.Max(metric.Config.TailTolerance * reference, metric.Config.AbsoluteTolerance);
        var failed = upward ? lower > 0 && shift > tolerated : upper < 0 && shift < -tolerated;
        var tailText = new Formatter(reference);
        if (failed)
        {
            var tailScore = upward ? ShareWithinTolerance(tolerated - lower, shift - lower) : ShareWithinTolerance(upper + tolerated, upper - shift);
            var description = $"the canary's tail beyond p{(test.Quantile * 100).ToString("0.#", CultureInfo.InvariantCulture)} {(upward ? "higher" : "lower")} by {tailText.Relative(shift)} [{tailText.Relative(lower)}, {tailText.Relative(upper)}] at {ConfidenceText(level)} (p = {PText(test.PValue)}), beyond the tail tolerance {tailText.Magnitude(tolerated)}";
            if (classification is CanaryMetricClassification.High or CanaryMetricClassification.Low)
            {
                reason += "; " + description;
                score = Math.Min(score, tailScore);
            }
            else
            {
                reason = description + "; location: " + reason;
                score = tailScore;
                classification = upward ? CanaryMetricClassification.High : CanaryMetricClassification.Low;
            }
        }

        return new CanaryTailResult(test.Quantile, test.FirstValue, test.SecondValue, shift,
            Relative(shift, reference), lower, upper, test.PValue, 1 - level, failed);
    }

    /// <summary>100 × share, clamped: the part of the harmful half-interval that lies within the tolerance.</summary>
    private static double ShareWithinTolerance(double withinTolerance, double halfWidth) =>
        halfWidth <= 0 ? (withinTolerance >= 0 ? 100 : 0) : 100 * Math.Clamp(withinTolerance / halfWidth, 0, 1);

    /// <summary>
    /// Values per side at which the intervals would decide the metric if the estimate stayed (their half-widths
    /// shrink as 1/√n): the test interval excluding 0 when the estimate exceeds the tolerance, otherwise the
    /// equivalence bounds within the tolerance.
    /// </summary>
    private static int? SamplesNeeded(PreparedMetric metric, double effect, double lower, double upper, double boundLower, double boundUpper, double tolerated, bool harmUp, bool harmDown)
    {
        var now = Math.Max(metric.BaselineCount, metric.CanaryCount);
        double factor;
        if (harmUp && effect > tolerated)
        {
            factor = Square((effect - lower) / effect);
        }
        else if (harmDown && effect < -tolerated)
        {
            factor = Square((upper - effect) / -effect);
        }
        else
        {
            var up = harmUp ? (effect < tolerated ? Square((boundUpper - effect) / (tolerated - effect)) : double.PositiveInfinity) : 0;
            var down = harmDown ? (effect > -tolerated ? Square((effect - boundLower) / (effect + tolerated)) : double.PositiveInfinity) : 0;
            factor = Math.Max(up, down);
        }

        if (!double.IsFinite(factor))
        {
            return null;
        }

        return (int)Math.Clamp(Math.Ceiling(now * factor), now + 1, CanaryJudgeDefaults.MaxSamplesPerSide);
    }

    /// <summary>The one-sided bound(s) on the harmful side, for a reason.</summary>
    private static string Bounds(Formatter text, double boundLower, double boundUpper, bool harmUp, bool harmDown, double alpha)
    {
        var confidence = (1 - alpha).ToString("0.####%", CultureInfo.InvariantCulture);
        return harmUp && harmDown
            ? $"the one-sided {confidence} bounds {text.Relative(boundLower)} and {text.Relative(boundUpper)}"
            : $"the one-sided {confidence} bound {text.Relative(harmUp ? boundUpper : boundLower)}";
    }

    /// <summary>The smallest n such that n values per side could reach p &lt; level (same test kind, same inflation).</summary>
    private static int SmallestSignificantSize(in MannWhitneyResult test, double level, double inflation)
    {
        for (var size = 2; size < CanaryJudgeDefaults.MaxSamplesPerSide; size = size < 64 ? size + 1 : size * 2)
        {
            var exact = test.Exact && size <= MannWhitneyU.ExactLimit;
            var sigma = Math.Sqrt((double)size * size * ((2.0 * size) + 1) / 12 * inflation);
            var degrees = double.IsPositiveInfinity(test.DegreesOfFreedom) ? double.PositiveInfinity : Math.Max(1, (size / inflation) - 1);
            var smallest = MannWhitneyU.SmallestPValue(new MannWhitneyResult(0, 1, 0, exact, exact ? 0 : sigma, size, size, degrees));
            if (smallest < level)
            {
                return size;
            }
        }

        return CanaryJudgeDefaults.MaxSamplesPerSide;
    }

    /// <summary>The baseline's absolute median, or its mean absolute value when the median is 0.</summary>
    private static double ReferenceLevel(ReadOnlySpan<double> baseline, double median)
    {
        if (median != 0)
        {
            return Math.Abs(median);
        }

        double sum = 0;
        foreach (var v in baseline)
        {
            sum += Math.Abs(v);
        }

        return sum / baseline.Length;
    }

    private static double Relative(double value, double reference) =>
        reference != 0 ? value / reference : value == 0 ? 0 : Math.CopySign(double.PositiveInfinity, value);

    private static double Square(double x) => x * x;

    /// <summary>Formats shifts relative to a reference level (absolute when the reference is 0), confidences and p-values.</summary>
    private readonly struct Formatter(double reference)
    {
        public string Relative(double value)
        {
            if (double.IsNegativeInfinity(value))
            {
                return "-∞";
            }

            if (double.IsPositiveInfinity(value))
            {
                return "+∞";
            }

            return reference != 0
                ? (value / reference).ToString("+0.0 %;-0.0 %;0.0 %", CultureInfo.InvariantCulture)
                : value.ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture);
        }

        public string Magnitude(double value) => Relative(value).TrimStart('+');
    }

    private static string ConfidenceText(double level) => (1 - level).ToString("0.####%", CultureInfo.InvariantCulture) + " confidence";

    private static string PText(double p) => p.ToString("G3", CultureInfo.InvariantCulture);
}
