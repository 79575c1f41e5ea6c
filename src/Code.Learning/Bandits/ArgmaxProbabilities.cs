using Code.Learning.Statistics;

namespace Code.Learning.Bandits;

/// <summary>
/// The probability that each arm's posterior draw is the largest, P(a) = ∫ f_a(x) Π_{b≠a} F_b(x) dx,
/// which is exactly the probability with which Thompson sampling plays arm a.
/// </summary>
/// <remarks>
/// <para>
/// Each arm's posterior has a range outside which each tail holds less than 1e-15. Below the largest lower
/// end of any range ("the floor") some arm's CDF is below 1e-15, so the maximum is almost never there, and
/// an arm whose whole range lies below the floor gets probability 0. Above the floor the integral is
/// piecewise 8-point Gauss-Legendre quadrature on panels no wider, near each arm, than 1.25 of its standard
/// deviations, growing geometrically (0.45 of the distance) away from its mean and towards an end where a
/// density is unbounded, so every density is smooth on the scale of every panel it meets.
/// </para>
/// <para>
/// The CDFs are not evaluated separately: a first pass integrates each density over the panels, which
/// gives F_b at the floor as 1 minus the mass above it; the second pass carries each F_b from panel to
/// panel and to the nodes inside a panel with the spectral integration matrix of the same rule. The result
/// is normalized to sum to 1. Scratch space grows to the largest problem seen and is then reused, so a
/// computation allocates nothing in steady state. Not thread-safe (the policy serializes its calls).
/// </para>
/// </remarks>
internal sealed class ArgmaxProbabilities
{
    internal const int Nodes = 8;

    /// <summary>Panel width near an arm's mean, in its standard deviations.</summary>
    private const double CoreWidth = 1.25;

    /// <summary>Panel width away from an arm's mean, as a share of the distance to it.</summary>
    private const double Growth = 0.45;

    /// <summary>The closest a panel comes to an end where a density is unbounded.</summary>
    private const double SingularReach = 1e-15;

    private static readonly double[] NodeT; // on [0, 1]
    private static readonly double[] NodeW;
    private static readonly double[] Cumulative; // Cumulative[i * Nodes + j] = ∫_0^{t_i} ℓ_j(t) dt

    private readonly double[] _center;
    private readonly double[] _scale;
    private readonly double[] _lower;
    private readonly double[] _upper;
    private readonly bool[] _singularLow;
    private readonly bool[] _singularHigh;
    private readonly double[] _cdf;
    private readonly int[] _participating;
    private readonly double[] _nodeCdf;
    private readonly double[] _prefix;
    private double[] _panels = new double[64]; // start and width of each panel
    private int[] _panelArms = new int[64]; // per panel: the offset of its active arms in _arms, then their count
    private int[] _arms = new int[256];
    private double[] _densities = new double[256 * Nodes];

    static ArgmaxProbabilities()
    {
        ReadOnlySpan<double> x = [-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498, 0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363];
        ReadOnlySpan<double> w = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620, 0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];
        NodeT = new double[Nodes];
        NodeW = new double[Nodes];
        for (var i = 0; i < Nodes; i++)
        {
            NodeT[i] = 0.5 * (1 + x[i]);
            NodeW[i] = 0.5 * w[i];
        }

        // ℓ_j has degree 7, so the same 8-point rule on [0, t_i] integrates it exactly.
        Cumulative = new double[Nodes * Nodes];
        for (var i = 0; i < Nodes; i++)
        {
            for (var j = 0; j < Nodes; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < Nodes; k++)
                {
                    sum += NodeW[k] * Lagrange(j, NodeT[i] * NodeT[k]);
                }

                Cumulative[(i * Nodes) + j] = NodeT[i] * sum;
            }
        }
    }

    public ArgmaxProbabilities(int armCount)
    {
        _center = new double[armCount];
        _scale = new double[armCount];
        _lower = new double[armCount];
        _upper = new double[armCount];
        _singularLow = new bool[armCount];
        _singularHigh = new bool[armCount];
        _cdf = new double[armCount];
        _participating = new int[armCount];
        _nodeCdf = new double[armCount];
        _prefix = new double[armCount + 1];
    }

    /// <summary>Fills <paramref name="result"/> with the probability that each arm's draw is the largest.</summary>
    public void Compute<T>(in T arms, Span<double> result)
        where T : struct, IArmPosteriors
    {
        var count = arms.Count;
        result[..count].Clear();
        var floor = double.NegativeInfinity;
        for (var b = 0; b < count; b++)
        {
            arms.Describe(b, out _center[b], out _scale[b], out _lower[b], out _upper[b], out _singularLow[b], out _singularHigh[b]);
            floor = Math.Max(floor, _lower[b]);
        }

        var participating = 0;
        var end = floor;
        for (var b = 0; b < count; b++)
        {
            if (_upper[b] > floor)
            {
                _participating[participating++] = b;
                end = Math.Max(end, _upper[b]);
            }
        }

        if (participating == 1)
        {
            result[_participating[0]] = 1;
            return;
        }

        var panels = Integrate(in arms, floor, end, participating);

        // F_b at the floor is 1 minus its mass above the floor.
        for (var k = 0; k < participating; k++)
        {
            var b = _participating[k];
            _cdf[b] = Math.Clamp(1 - _cdf[b], 0, 1);
        }

        for (var p = 0; p < panels; p++)
        {
            Accumulate(p, participating, result);
        }

        var total = 0.0;
        for (var b = 0; b < count; b++)
        {
            total += result[b];
        }

        if (!(total > 0) || !double.IsFinite(total))
        {
            // Defensive: with finite posteriors the total is positive; if it were not, split evenly rather than hand out NaN.
            result[..count].Clear();
            for (var k = 0; k < participating; k++)
            {
                result[_participating[k]] = 1.0 / participating;
            }

            return;
        }

        for (var b = 0; b < count; b++)
        {
            result[b] = Math.Clamp(result[b] / total, 0, 1);
        }
    }

    private static double Lagrange(int j, double t)
    {
        var value = 1.0;
        for (var k = 0; k < Nodes; k++)
        {
            if (k != j)
            {
                value *= (t - NodeT[k]) / (NodeT[j] - NodeT[k]);
            }
        }

        return value;
    }

    /// <summary>First pass: lays out the panels from the floor to the end, stores each active arm's density at the nodes and leaves each arm's mass above the floor in _cdf.</summary>
    private int Integrate<T>(in T arms, double floor, double end, int participating)
        where T : struct, IArmPosteriors
    {
        for (var k = 0; k < participating; k++)
        {
            _cdf[_participating[k]] = 0;
        }

        var panels = 0;
        var armCount = 0;
        var x0 = floor;
        while (x0 < end)
        {
            var x1 = Math.Min(end, x0 + Width(x0, participating));
            if (!(x1 > x0))
            {
                break; // the width underflowed at x0's magnitude: the rest holds no measurable mass
            }

            var h = x1 - x0;
            var first = armCount;
            for (var k = 0; k < participating; k++)
            {
                if (_upper[_participating[k]] > x0)
                {
                    armCount = Push(ref _arms, armCount, _participating[k]);
                }
            }

            var active = armCount - first;
            if (_densities.Length < armCount * Nodes)
            {
                Array.Resize(ref _densities, Math.Max(armCount * Nodes, _densities.Length * 2));
            }

            for (var i = 0; i < Nodes; i++)
            {
                var x = x0 + (h * NodeT[i]);
                double logX = 0, logOneMinusX = 0;
                if (T.UsesLogs)
                {
                    // Near 1, 1 - x from the panel (1 - x0 is exact there) keeps ln(1 - x) finite and accurate at nodes x rounds to 1.
                    logX = Math.Log(x);
                    logOneMinusX = x < 0.5 ? GammaFunction.LogOnePlus(-x) : Math.Log((1 - x0) - (h * NodeT[i]));
                }

                for (var k = 0; k < active; k++)
                {
                    _densities[((first + k) * Nodes) + i] = arms.Density(_arms[first + k], x, logX, logOneMinusX);
                }
            }

            for (var k = 0; k < active; k++)
            {
                var mass = 0.0;
                for (var j = 0; j < Nodes; j++)
                {
                    mass += NodeW[j] * _densities[((first + k) * Nodes) + j];
                }

                _cdf[_arms[first + k]] += h * mass;
            }

            if (_panels.Length < (panels + 1) * 2)
            {
                Array.Resize(ref _panels, _panels.Length * 2);
                Array.Resize(ref _panelArms, _panelArms.Length * 2);
            }

            _panels[2 * panels] = x0;
            _panels[(2 * panels) + 1] = h;
            _panelArms[2 * panels] = first;
            _panelArms[(2 * panels) + 1] = active;
            panels++;
            x0 = x1;
        }

        return panels;
    }

    /// <summary>Second pass over one panel: each active arm's share of the maximum's density, then the CDFs at its end.</summary>
    private void Accumulate(int panel, int participating, Span<double> result)
    {
        var x0 = _panels[2 * panel];
        var h = _panels[(2 * panel) + 1];
        var first = _panelArms[2 * panel];
        var active = _panelArms[(2 * panel) + 1];
        var settled = 1.0; // the CDFs of the arms whose range ended before this panel
        for (var k = 0; k < participating; k++)
        {
            var b = _participating[k];
            if (_upper[b] <= x0)
            {
                settled *= _cdf[b];
            }
        }

        for (var i = 0; i < Nodes; i++)
        {
            // Each active arm's CDF at node i, then the product over every arm but a by prefix and suffix products.
            _prefix[0] = settled;
            var row = Cumulative.AsSpan(i * Nodes, Nodes);
            for (var k = 0; k < active; k++)
            {
                var cdf = _cdf[_arms[first + k]];
                var densities = _densities.AsSpan((first + k) * Nodes, Nodes);
                for (var j = 0; j < Nodes; j++)
                {
                    cdf += h * row[j] * densities[j];
                }

                _nodeCdf[k] = Math.Clamp(cdf, 0, 1);
                _prefix[k + 1] = _prefix[k] * _nodeCdf[k];
            }

            var suffix = 1.0;
            var weight = h * NodeW[i];
            for (var k = active - 1; k >= 0; k--)
            {
                result[_arms[first + k]] += weight * _densities[((first + k) * Nodes) + i] * _prefix[k] * suffix;
                suffix *= _nodeCdf[k];
            }
        }

        for (var k = 0; k < active; k++)
        {
            var mass = 0.0;
            for (var j = 0; j < Nodes; j++)
            {
                mass += NodeW[j] * _densities[((first + k) * Nodes) + j];
            }

            _cdf[_arms[first + k]] += h * mass;
        }
    }

    /// <summary>The widest panel starting at x on which every arm's density is smooth.</summary>
    private double Width(double x, int participating)
    {
        var width = double.PositiveInfinity;
        for (var k = 0; k < participating; k++)
        {
            var b = _participating[k];
            if (_upper[b] <= x)
            {
                continue;
            }

            var arm = Math.Max(CoreWidth * _scale[b], Growth * Math.Abs(x - _center[b]));
            if (_singularLow[b])
            {
                arm = Math.Min(arm, Math.Max(SingularReach, 9 * (x - _lower[b])));
            }

            if (_singularHigh[b])
            {
                arm = Math.Min(arm, Math.Max(SingularReach, 0.9 * (_upper[b] - x)));
            }

            width = Math.Min(width, arm);
        }

        return width;
    }

    private static int Push(ref int[] buffer, int count, int value)
    {
        if (count == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }

        buffer[count] = value;
        return count + 1;
    }
}
