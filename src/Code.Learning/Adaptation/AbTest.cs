using System.Text;
using Code.Learning.Statistics;

namespace Code.Learning.Adaptation;

/// <summary>
/// An A/B test: sticky assignment of units (users, hosts, deployments) to variants by hashing, per-variant
/// statistics, a sequential significance test against the control and a stop rule.
/// </summary>
/// <remarks>
/// <para>
/// Assignment hashes the test name and unit id with 64-bit FNV-1a, so a unit gets the same variant in
/// every process and after restarts.
/// </para>
/// <para>
/// Significance is a mixture sequential probability ratio test (mSPRT; Johari et al. 2022) per variant
/// against the control, updated after every recorded sample once both sides have
/// <see cref="AbTestOptions.MinimumSamplesPerVariant"/>, with alpha Bonferroni-split across the variants.
/// Its p-values are always valid: when no variant differs from the control, the probability that the test
/// is ever <see cref="AbTestStatus.Significant"/> is at most alpha however often it is evaluated (up to the
/// normal approximation of the means and the estimate of their variance). The price is power: a fixed
/// number of samples needs a larger effect to reach significance than a one-time z-test would. Once
/// significant, a test stays significant. Thread-safe.
/// </para>
/// </remarks>
public sealed class AbTest
{
    private readonly Lock _lock = new();
    private readonly AbVariant[] _variants;
    private readonly double[] _cumulative;
    private readonly RunningStatistics[] _statistics;
    private readonly double[] _pValues; // running minimum of 1 / Lambda per variant (index 0 unused)
    private readonly double _alpha;
    private readonly int _minimumSamples;
    private readonly int _maximumSamples;
    private readonly double _effectSize;

    /// <summary>Initializes a new instance of the <see cref="AbTest"/> class.</summary>
    /// <param name="name">The test name; part of the assignment hash, so renaming a test reshuffles units.</param>
    /// <param name="variants">At least two variants with unique names and positive weights; the first is the control.</param>
    /// <param name="options">Significance and stop-rule settings.</param>
    public AbTest(string name, IReadOnlyList<AbVariant> variants, AbTestOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(variants);
        options ??= new AbTestOptions();
        if (!(options.Alpha > 0 && options.Alpha < 1) || options.MinimumSamplesPerVariant < 2 || options.MaximumSamplesPerVariant < options.MinimumSamplesPerVariant)
        {
            throw new ArgumentException($"A/B test '{name}': alpha must be in (0, 1) and 2 <= minimum samples <= maximum samples.", nameof(options));
        }

        if (!(options.MixtureEffectSize > 0) || !double.IsFinite(options.MixtureEffectSize))
        {
            throw new ArgumentException($"A/B test '{name}': the mixture effect size is {options.MixtureEffectSize}; it must be a finite number greater than 0.", nameof(options));
        }

        // Copied, so changing the options object later cannot change a running test.
        _alpha = options.Alpha;
        _minimumSamples = options.MinimumSamplesPerVariant;
        _maximumSamples = options.MaximumSamplesPerVariant;
        _effectSize = options.MixtureEffectSize;

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
        _pValues = new double[_variants.Length];
        _pValues.AsSpan().Fill(double.NaN);
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
    /// <param name="outcome">The outcome, finite and within ±1e100.</param>
    public void Record(string variant, double outcome)
    {
        var index = IndexOf(variant);
        if (!ValueBounds.Accepts(outcome))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, $"A/B test '{Name}': outcomes must be finite and within ±{ValueBounds.MaxMagnitude:G}.");
        }

        lock (_lock)
        {
            _statistics[index].Add(outcome);
            if (index == 0)
            {
                for (var i = 1; i < _variants.Length; i++)
                {
                    UpdatePValue(i);
                }
            }
            else
            {
                UpdatePValue(index);
            }
        }
    }

    /// <summary>Evaluates the test: statistics, comparisons with the control and the stop rule.</summary>
    /// <returns>The result.</returns>
    public AbTestResult Evaluate()
    {
        lock (_lock)
        {
            var stats = new AbVariantStatistics[_variants.Length];
            for (var i = 0; i < stats.Length; i++)
            {
                var s = _statistics[i];
                stats[i] = new AbVariantStatistics(_variants[i].Name, s.Count, s.Mean, s.StandardDeviation);
            }

            var control = _statistics[0];
            var threshold = _alpha / (_variants.Length - 1);
            var comparisons = new AbComparison[_variants.Length - 1];
            AbComparison? best = null;
            for (var i = 1; i < _variants.Length; i++)
            {
                var s = _statistics[i];
                var difference = s.Mean - control.Mean;
                var lift = control.Count > 0 && control.Mean != 0 ? difference / Math.Abs(control.Mean) : double.NaN;
                var comparison = new AbComparison(_variants[i].Name, difference, lift, _pValues[i], _pValues[i] < threshold);
                comparisons[i - 1] = comparison;
                if (comparison.Significant && (best is null || comparison.Difference > best.Difference))
                {
                    best = comparison;
                }
            }

            if (best is not null)
            {
                var winner = best.Difference > 0 ? best.Variant : _variants[0].Name;
                return new AbTestResult(AbTestStatus.Significant, winner, stats, comparisons);
            }

            var exhausted = true;
            foreach (var s in _statistics)
            {
                exhausted &= s.Count >= _maximumSamples;
            }

            return new AbTestResult(exhausted ? AbTestStatus.NoDifference : AbTestStatus.Running, null, stats, comparisons);
        }
    }

    /// <summary>Whether this test was created with <paramref name="variants"/> and <paramref name="options"/> (defaults when null).</summary>
    internal bool HasDefinition(IReadOnlyList<AbVariant> variants, AbTestOptions? options)
    {
        options ??= new AbTestOptions();
        return variants.Count == _variants.Length &&
            variants.Select((v, i) => v == _variants[i]).All(same => same) &&
            options.Alpha == _alpha && options.MinimumSamplesPerVariant == _minimumSamples &&
            options.MaximumSamplesPerVariant == _maximumSamples && options.MixtureEffectSize == _effectSize;
    }

    /// <summary>Describes this test's definition for error messages.</summary>
    internal string Describe() => Describe(_variants, _alpha, _minimumSamples, _maximumSamples, _effectSize);

    /// <summary>Describes a definition for error messages.</summary>
    internal static string Describe(IReadOnlyList<AbVariant> variants, AbTestOptions? options)
    {
        options ??= new AbTestOptions();
        return Describe(variants, options.Alpha, options.MinimumSamplesPerVariant, options.MaximumSamplesPerVariant, options.MixtureEffectSize);
    }

    private static string Describe(IReadOnlyList<AbVariant> variants, double alpha, int minimum, int maximum, double effectSize) =>
        $"variants [{string.Join(", ", variants.Select(v => $"{v?.Name}:{v?.Weight}"))}], alpha {alpha}, samples {minimum}-{maximum}, mixture effect size {effectSize}";

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

    /// <summary>Folds the current likelihood ratio of a variant against the control into its running-minimum p-value.</summary>
    private void UpdatePValue(int variant)
    {
        var control = _statistics[0];
        var s = _statistics[variant];
        if (control.Count < _minimumSamples || s.Count < _minimumSamples)
        {
            return;
        }

        var p = MixtureSequentialTest.InverseLikelihoodRatio(control, s, _effectSize);
        _pValues[variant] = double.IsNaN(_pValues[variant]) ? p : Math.Min(_pValues[variant], p);
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
