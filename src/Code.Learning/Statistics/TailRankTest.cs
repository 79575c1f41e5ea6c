using System.Runtime.CompilerServices;

namespace Code.Learning.Statistics;

/// <summary>
/// A two-sample rank test aimed at the upper tail: S is how many of the K largest pooled values come from the
/// second sample (K = (1 - q) N, values tied across the cut sharing it), a linear rank statistic with scores 1
/// for the top K ranks and 0 below. Under no difference S has mean nK/N and the hypergeometric variance
/// (tie-corrected), inflated for serial dependence; the p-value is the normal approximation with a continuity
/// correction (Student's t with the effective degrees of freedom when the inflation was estimated). Regressions that leave the median alone but make the tail heavier move S far more than they
/// move the Mann-Whitney U.
/// </summary>
/// <remarks>
/// The shift's interval inverts the same test: the shifts δ for which "second - δ" is not rejected, with the
/// mean and σ of the observed data (S(δ) falls as δ grows, so the accepted shifts form an interval, and it
/// excludes 0 exactly when the test rejects at 0). The estimate is the shift that balances S at its mean: the
/// difference of the two samples near quantile q. The lower tail is the upper tail of the negated values.
/// </remarks>
internal sealed class TailRankTest
{
    private const int BisectionSteps = 200;
    private readonly double[] _first;
    private readonly double[] _second;
    private readonly int _cut;
    private readonly double _mean;
    private readonly double _sigma;
    private readonly StudentT _reference;

    private TailRankTest(double[] first, double[] second, double quantile, bool upper, int cut, double mean, double sigma, StudentT reference, double pValue, double smallestPValue)
    {
        _reference = reference;
        _first = first;
        _second = second;
        _cut = cut;
        _mean = mean;
        _sigma = sigma;
        Quantile = upper ? quantile : 1 - quantile;
        Upper = upper;
        PValue = pValue;
        SmallestPValue = smallestPValue;
        var sign = upper ? 1 : -1;
        FirstValue = sign * Quantiles.TypeSeven(first, quantile);
        SecondValue = sign * Quantiles.TypeSeven(second, quantile);
    }

    /// <summary>Gets the quantile where the compared tail starts, in the original orientation: q for the upper tail, 1 - q for the lower.</summary>
    public double Quantile { get; }

    /// <summary>Gets a value indicating whether the upper tail is compared (else the lower).</summary>
    public bool Upper { get; }

    /// <summary>Gets the first sample's value at <see cref="Quantile"/> (Hyndman-Fan type 7).</summary>
    public double FirstValue { get; }

    /// <summary>Gets the second sample's value at <see cref="Quantile"/> (Hyndman-Fan type 7).</summary>
    public double SecondValue { get; }

    /// <summary>Gets the two-sided p-value.</summary>
    public double PValue { get; }

    /// <summary>Gets the smallest p-value these samples could give (every tail value from one side).</summary>
    public double SmallestPValue { get; }

    /// <summary>Tests the tail beyond quantile <paramref name="quantile"/> of two sorted samples.</summary>
    /// <param name="first">The first sample, sorted ascending.</param>
    /// <param name="second">The second sample, sorted ascending.</param>
    /// <param name="quantile">The quantile that starts the tail: 0.95 compares the top 5 % (upper tail) or, with <paramref name="upper"/> false, the bottom 5 % (the tail below quantile 0.05).</param>
    /// <param name="upper">Whether the upper tail is compared.</param>
    /// <param name="varianceInflation">The serial-dependence inflation of the variance (at least 1).</param>
    /// <param name="degreesOfFreedom">The degrees of freedom of the inflation's estimate (∞ when it is known).</param>
    public static TailRankTest Create(ReadOnlySpan<double> first, ReadOnlySpan<double> second, double quantile, bool upper, double varianceInflation = 1, double degreesOfFreedom = double.PositiveInfinity)
    {
        if (first.Length == 0 || second.Length == 0)
        {
            throw new ArgumentException("The tail test needs at least one value in each sample.");
        }

        if (!(quantile > 0.5 && quantile < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The tail quantile must lie between 0.5 and 1.");
        }

        // The lower tail is the upper tail of the negated values (still sorted ascending).
        var a = Oriented(first, upper);
        var b = Oriented(second, upper);
        int m = a.Length, n = b.Length, total = m + n;
        var cut = (int)Math.Clamp(Math.Round((1 - quantile) * total), 1, total - 1);
        var statistic = Count(a, b, 0, cut, out var sumSquares);

        // Linear rank statistic with scores a(r): mean n·ā, variance mn/(N(N-1)) Σ(a - ā)².
        var average = (double)cut / total;
        var mean = n * average;
        var spread = sumSquares - (total * average * average);
        var sigma = spread <= 0 ? 0 : Math.Sqrt((double)m * n / ((double)total * (total - 1)) * spread * Math.Max(1, varianceInflation));
        var reference = new StudentT(degreesOfFreedom);
        var p = sigma <= 0 ? 1 : reference.TwoSidedPValue(Math.Max(0, Math.Abs(statistic - mean) - 0.5) / sigma);
        var extreme = Math.Max(Math.Abs(Math.Min(cut, n) - mean), Math.Abs(Math.Max(0, cut - m) - mean));
        var smallest = sigma <= 0 ? 1 : reference.TwoSidedPValue(Math.Max(0, extreme - 0.5) / sigma);
        return new TailRankTest(a, b, quantile, upper, cut, mean, sigma, reference, p, smallest);
    }

    /// <summary>
    /// The shift (second minus first, in the original orientation) that balances the tail count at its mean:
    /// a Hodges-Lehmann-like estimate of the tail's shift.
    /// </summary>
    public double Estimate()
    {
        var low = Boundary(_mean, lowerEnd: true);
        var high = Boundary(_mean, lowerEnd: false);
        var estimate = double.IsFinite(low) && double.IsFinite(high) ? 0.5 * (low + high) : double.IsFinite(low) ? low : high;
        return Upper ? estimate : -estimate;
    }

    /// <summary>The shifts (second minus first) the test does not reject at level <paramref name="alpha"/>.</summary>
    public (double Lower, double Upper) Interval(double alpha)
    {
        if (_sigma <= 0)
        {
            return (double.NegativeInfinity, double.PositiveInfinity);
        }

        var z = _reference.Quantile(1 - (alpha / 2));
        var lower = Boundary(_mean + 0.5 + (z * _sigma), lowerEnd: true);
        var upper = Boundary(_mean - 0.5 - (z * _sigma), lowerEnd: false);
        return Upper ? (lower, upper) : (-upper, -lower);
    }

    private static double[] Oriented(ReadOnlySpan<double> sorted, bool upper)
    {
        var copy = sorted.ToArray();
        if (!upper)
        {
            Array.Reverse(copy);
            for (var i = 0; i < copy.Length; i++)
            {
                copy[i] = -copy[i];
            }
        }

        return copy;
    }

    /// <summary>
    /// With S(δ) non-increasing: the lower end is inf{δ : S(δ) &lt;= limit}, the upper end sup{δ : S(δ) &gt;= limit}.
    /// Found by bisection between adjacent doubles; the accepted side of the bracket is returned, so an end never
    /// crosses 0 when the test rejects at 0.
    /// </summary>
    private double Boundary(double limit, bool lowerEnd)
    {
        var span = Math.Max(Math.Abs(_second[^1] - _first[0]), Math.Abs(_second[0] - _first[^1]));
        var far = (2 * span) + 1;
        if (lowerEnd)
        {
            if (Shifted(-far) <= limit)
            {
                return double.NegativeInfinity;
            }

            double rejected = -far, accepted = far;
            if (Shifted(accepted) > limit)
            {
                return double.PositiveInfinity;
            }

            return Bisect(rejected, accepted, value => value <= limit);
        }
        else
        {
            if (Shifted(far) >= limit)
            {
                return double.PositiveInfinity;
            }

            double accepted = -far, rejected = far;
            if (Shifted(accepted) < limit)
            {
                return double.NegativeInfinity;
            }

            return Bisect(rejected, accepted, value => value >= limit);
        }
    }

    private double Bisect(double rejected, double accepted, Func<double, bool> accepts)
    {
        for (var step = 0; step < BisectionSteps; step++)
        {
            var middle = 0.5 * (rejected + accepted);
            if (middle == rejected || middle == accepted)
            {
                break;
            }

            if (accepts(Shifted(middle)))
            {
                accepted = middle;
            }
            else
            {
                rejected = middle;
            }
        }

        return accepted;
    }

    private double Shifted(double shift) => Count(_first, _second, shift, _cut, out _);

    /// <summary>
    /// The tail score sum of <c>second - shift</c> among the pooled values: how many of the <paramref name="cut"/>
    /// largest are from the second sample, values tied across the cut sharing the remaining places (mid-scores).
    /// Also returns Σ a² over all values, for the variance.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Count(ReadOnlySpan<double> first, ReadOnlySpan<double> second, double shift, int cut, out double sumSquares)
    {
        int i = first.Length - 1, j = second.Length - 1, taken = 0;
        double score = 0;
        sumSquares = 0;
        while (taken < cut && (i >= 0 || j >= 0))
        {
            var value = j < 0 || (i >= 0 && first[i] >= second[j] - shift) ? first[i] : second[j] - shift;
            int fromFirst = 0, fromSecond = 0;
            while (i >= 0 && first[i] == value)
            {
                i--;
                fromFirst++;
            }

            while (j >= 0 && second[j] - shift == value)
            {
                j--;
                fromSecond++;
            }

            var group = fromFirst + fromSecond;
            var places = Math.Min(group, cut - taken);
            var share = (double)places / group;
            score += fromSecond * share;
            sumSquares += group * share * share;
            taken += places;
        }

        return score;
    }
}
