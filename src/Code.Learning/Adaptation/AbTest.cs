using System.Text;
using Code.Learning.Statistics;

namespace Code.Learning.Adaptation;

/// <summary>A variant of an A/B test and its share of the traffic.</summary>
/// <param name="Name">The variant name; the first variant of a test is the control.</param>
/// <param name="Weight">The relative share of units assigned to it, greater than 0.</param>
public sealed record AbVariant(string Name, double Weight = 1);

/// <summary>Settings of an A/B test's significance test and stop rule.</summary>
public sealed class AbTestOptions
{
    /// <summary>Gets or sets the family-wise significance level (Bonferroni-split across the comparisons with the control).</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the samples every variant needs before the test may stop (also guards the normal approximation).</summary>
    /// <value>The default value is 100.</value>
    public int MinimumSamplesPerVariant { get; set; } = 100;

    /// <summary>Gets or sets the samples per variant after which the test stops as "no difference".</summary>
    /// <value>The default value is 100000.</value>
    public int MaximumSamplesPerVariant { get; set; } = 100_000;
}

/// <summary>Where an A/B test stands.</summary>
public enum AbTestStatus
{
    /// <summary>Keep collecting samples.</summary>
    Running,

    /// <summary>A variant differs significantly from the control; stop and adopt the winner.</summary>
    Significant,

    /// <summary>Every variant reached the maximum samples without a significant difference; stop.</summary>
    NoDifference,
}

/// <summary>The statistics of one variant.</summary>
/// <param name="Name">The variant.</param>
/// <param name="Count">Samples recorded.</param>
/// <param name="Mean">Mean outcome (the conversion rate for 0/1 outcomes).</param>
/// <param name="StandardDeviation">Sample standard deviation of the outcomes.</param>
public sealed record AbVariantStatistics(string Name, long Count, double Mean, double StandardDeviation);

/// <summary>A variant compared with the control.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Difference">Its mean minus the control's.</param>
/// <param name="RelativeLift">The difference relative to the control's mean (NaN when that is 0).</param>
/// <param name="PValue">Two-sided p-value of Welch's z-test (unpooled two-proportion test for 0/1 outcomes).</param>
/// <param name="Significant">Whether the p-value is below alpha / (variants - 1).</param>
public sealed record AbComparison(string Variant, double Difference, double RelativeLift, double PValue, bool Significant);

/// <summary>The evaluation of an A/B test.</summary>
/// <param name="Status">Running, Significant or NoDifference.</param>
/// <param name="Winner">The best variant when significant (possibly the control), otherwise <see langword="null"/>.</param>
/// <param name="Variants">Each variant's statistics.</param>
/// <param name="Comparisons">Each non-control variant against the control.</param>
public sealed record AbTestResult(AbTestStatus Status, string? Winner, IReadOnlyList<AbVariantStatistics> Variants, IReadOnlyList<AbComparison> Comparisons);

/// <summary>
/// An A/B test: sticky assignment of units (users, hosts, deployments) to variants by hashing, per-variant
/// statistics, a significance test against the control and a stop rule.
/// </summary>
/// <remarks>
/// Assignment hashes the test name and unit id with 64-bit FNV-1a, so a unit gets the same variant in
/// every process and after restarts. The stop rule only looks once each variant has the minimum samples
/// and Bonferroni-corrects across variants; checking it after every sample still inflates the false
/// positive rate somewhat, so keep the minimum generous. Thread-safe.
/// </remarks>
public sealed class AbTest
{
    private readonly Lock _lock = new();
    private readonly AbVariant[] _variants;
    private readonly double[] _cumulative;
    private readonly RunningStatistics[] _statistics;
    private readonly AbTestOptions _options;

    /// <summary>Initializes a new instance of the <see cref="AbTest"/> class.</summary>
    /// <param name="name">The test name; part of the assignment hash, so renaming a test reshuffles units.</param>
    /// <param name="variants">At least two variants with unique names and positive weights; the first is the control.</param>
    /// <param name="options">Significance and stop-rule settings.</param>
    public AbTest(string name, IReadOnlyList<AbVariant> variants, AbTestOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(variants);
        _options = options ?? new AbTestOptions();
        if (!(_options.Alpha > 0 && _options.Alpha < 1) || _options.MinimumSamplesPerVariant < 2 || _options.MaximumSamplesPerVariant < _options.MinimumSamplesPerVariant)
        {
            throw new ArgumentException($"A/B test '{name}': alpha must be in (0, 1) and 2 <= minimum samples <= maximum samples.", nameof(options));
        }

        if (variants.Count < 2 || variants.Select(v => v?.Name).Distinct(StringComparer.Ordinal).Count() != variants.Count)
        {
            throw new ArgumentException($"A/B test '{name}' needs at least two variants with unique names.", nameof(variants));
        }

        _cumulative = new double[variants.Count];
        var total = 0.0;
        for (var i = 0; i < variants.Count; i++)
        {
            var variant = variants[i];
            if (string.IsNullOrWhiteSpace(variant.Name) || !(variant.Weight > 0) || !double.IsFinite(variant.Weight))
            {
                throw new ArgumentException($"A/B test '{name}': variant {i} needs a name and a finite weight greater than 0.", nameof(variants));
            }

            total += variant.Weight;
            _cumulative[i] = total;
        }

        for (var i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= total;
        }

        Name = name;
        _variants = [.. variants];
        _statistics = _variants.Select(_ => new RunningStatistics()).ToArray();
    }

    /// <summary>Gets the test name.</summary>
    public string Name { get; }

    /// <summary>Assigns a unit to a variant; the same unit always gets the same variant.</summary>
    /// <param name="unitId">The unit, for example a user or host id.</param>
    /// <returns>The variant name.</returns>
    public string Assign(string unitId)
    {
        ArgumentException.ThrowIfNullOrEmpty(unitId);
        var position = Position(Name, unitId);
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (position < _cumulative[i])
            {
                return _variants[i].Name;
            }
        }

        return _variants[^1].Name;
    }

    /// <summary>Records an outcome of a variant (1/0 for a conversion, or a measurement).</summary>
    /// <param name="variant">The variant name.</param>
    /// <param name="outcome">The outcome, finite.</param>
    public void Record(string variant, double outcome)
    {
        var index = IndexOf(variant);
        if (!double.IsFinite(outcome))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, $"A/B test '{Name}': outcomes must be finite.");
        }

        lock (_lock)
        {
            _statistics[index].Add(outcome);
        }
    }

    /// <summary>Evaluates the test: statistics, comparisons with the control and the stop rule.</summary>
    /// <returns>The result.</returns>
    public AbTestResult Evaluate()
    {
        lock (_lock)
        {
            var stats = _variants.Select((v, i) => new AbVariantStatistics(
                v.Name, _statistics[i].Count, _statistics[i].Count == 0 ? double.NaN : _statistics[i].Mean, _statistics[i].Count < 2 ? double.NaN : _statistics[i].StandardDeviation)).ToArray();
            var control = _statistics[0];
            var threshold = _options.Alpha / (_variants.Length - 1);
            var comparisons = new List<AbComparison>();
            var ready = _statistics.All(s => s.Count >= _options.MinimumSamplesPerVariant);
            for (var i = 1; i < _variants.Length; i++)
            {
                var s = _statistics[i];
                if (s.Count < 2 || control.Count < 2)
                {
                    comparisons.Add(new AbComparison(_variants[i].Name, double.NaN, double.NaN, double.NaN, false));
                    continue;
                }

                var difference = s.Mean - control.Mean;
                var error = Math.Sqrt((s.Variance / s.Count) + (control.Variance / control.Count));
                var p = error > 0 ? NormalDistribution.TwoSidedPValue(difference / error) : difference == 0 ? 1 : 0;
                comparisons.Add(new AbComparison(_variants[i].Name, difference, control.Mean != 0 ? difference / Math.Abs(control.Mean) : double.NaN, p, ready && p < threshold));
            }

            if (comparisons.Any(c => c.Significant))
            {
                var best = comparisons.Where(c => c.Significant).MaxBy(c => c.Difference)!;
                var winner = best.Difference > 0 ? best.Variant : _variants[0].Name;
                return new AbTestResult(AbTestStatus.Significant, winner, stats, comparisons);
            }

            var exhausted = _statistics.All(s => s.Count >= _options.MaximumSamplesPerVariant);
            return new AbTestResult(exhausted ? AbTestStatus.NoDifference : AbTestStatus.Running, null, stats, comparisons);
        }
    }

    /// <summary>A unit's position in [0, 1) from a stable hash of the test name and unit id.</summary>
    internal static double Position(string test, string unit)
    {
        var hash = 14695981039346656037UL;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var part in new[] { test, "\u0000", unit })
        {
            var bytes = Encoding.UTF8.GetByteCount(part) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(part, buffer)] : Encoding.UTF8.GetBytes(part);
            foreach (var b in bytes)
            {
                hash ^= b;
                hash *= 1099511628211UL;
            }
        }

        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    private int IndexOf(string variant)
    {
        for (var i = 0; i < _variants.Length; i++)
        {
            if (string.Equals(_variants[i].Name, variant, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentException($"A/B test '{Name}' has no variant '{variant}'.", nameof(variant));
    }
}
