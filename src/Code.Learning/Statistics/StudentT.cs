using System.Runtime.CompilerServices;

namespace Code.Learning.Statistics;

/// <summary>
/// Student's t distribution with ν degrees of freedom (the standard normal for ν = ∞): two-sided tail
/// probabilities from the regularized incomplete beta function, quantiles by bisection on the same function,
/// so a statistic beyond the quantile at 1 - α/2 always has a p-value below α.
/// </summary>
internal readonly struct StudentT
{
    public StudentT(double degreesOfFreedom)
    {
        if (!(degreesOfFreedom > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Student's t needs positive degrees of freedom.");
        }

        DegreesOfFreedom = degreesOfFreedom;
    }

    /// <summary>Gets the standard normal (ν = ∞).</summary>
    public static StudentT Normal => new(double.PositiveInfinity);

    /// <summary>Gets the degrees of freedom.</summary>
    public double DegreesOfFreedom { get; }

    /// <summary>P(|T| &gt;= |t|).</summary>
    public double TwoSidedPValue(double t)
    {
        if (double.IsPositiveInfinity(DegreesOfFreedom))
        {
            return NormalDistribution.TwoSidedPValue(t);
        }

        if (double.IsInfinity(t))
        {
            return 0;
        }

        var nu = DegreesOfFreedom;
        return Math.Min(1, RegularizedIncompleteBeta(nu / (nu + (t * t)), nu / 2, 0.5));
    }

    /// <summary>The t with P(T &lt;= t) = <paramref name="p"/> (0.5 &lt; p &lt; 1), by bisection on <see cref="TwoSidedPValue"/>.</summary>
    public double Quantile(double p)
    {
        if (!(p > 0.5 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The t quantile is computed for probabilities strictly between 0.5 and 1.");
        }

        if (double.IsPositiveInfinity(DegreesOfFreedom))
        {
            return NormalDistribution.Quantile(p);
        }

        var target = 2 * (1 - p);
        double low = 0, high = 1;
        while (TwoSidedPValue(high) > target)
        {
            low = high;
            high *= 2;
        }

        for (var i = 0; i < 200 && high - low > 1e-12 * Math.Max(1, high); i++)
        {
            var middle = 0.5 * (low + high);
            if (TwoSidedPValue(middle) > target)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return 0.5 * (low + high);
    }

    /// <summary>I_x(a, b), the regularized incomplete beta function (continued fraction, modified Lentz).</summary>
    internal static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var logFront = SpecialFunctions.LogGamma(a + b) - SpecialFunctions.LogGamma(a) - SpecialFunctions.LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(logFront) * ContinuedFraction(x, a, b) / a
            : 1 - (Math.Exp(logFront) * ContinuedFraction(1 - x, b, a) / b);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ContinuedFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300;
        double c = 1, d = 1 - ((a + b) * x / (a + 1));
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1 / d;
        var result = d;
        for (var m = 1; m <= 500; m++)
        {
            var m2 = 2 * m;
            var even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + (even * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (even / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            result *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + (odd * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (odd / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var delta = d * c;
            result *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return result;
    }
}
