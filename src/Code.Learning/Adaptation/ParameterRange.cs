namespace Code.Learning.Adaptation;

/// <summary>
/// A parameter the adaptation engine may tune, with the bounds the host allows and the candidate values
/// (all inside the bounds) the bandit chooses among.
/// </summary>
public sealed record ParameterRange
{
    private const int MaxCandidates = 1000;

    /// <summary>Initializes a new instance of the <see cref="ParameterRange"/> class.</summary>
    /// <param name="name">The parameter name, for example <c>canary_step_weight</c>.</param>
    /// <param name="minimum">The smallest value the host allows.</param>
    /// <param name="maximum">The largest value the host allows.</param>
    /// <param name="candidates">The values to choose among; each must lie within the bounds.</param>
    /// <exception cref="ArgumentException">The bounds are reversed or not finite, a candidate is outside them, or there are none.</exception>
    public ParameterRange(string name, double minimum, double maximum, IReadOnlyList<double> candidates)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(candidates);
        if (!double.IsFinite(minimum) || !double.IsFinite(maximum) || minimum > maximum)
        {
            throw new ArgumentException($"Parameter '{name}' has bounds [{minimum}, {maximum}]; they must be finite with minimum <= maximum.", nameof(minimum));
        }

        if (candidates.Count is 0 or > MaxCandidates)
        {
            throw new ArgumentException($"Parameter '{name}' has {candidates.Count} candidate values; 1 to {MaxCandidates} are needed.", nameof(candidates));
        }

        foreach (var value in candidates)
        {
            if (!(value >= minimum && value <= maximum))
            {
                throw new ArgumentException($"Parameter '{name}': candidate {value} is outside the host's bounds [{minimum}, {maximum}].", nameof(candidates));
            }
        }

        Name = name;
        Minimum = minimum;
        Maximum = maximum;
        Candidates = candidates.Distinct().Order().ToArray();
    }

    /// <summary>Gets the parameter name.</summary>
    public string Name { get; }

    /// <summary>Gets the smallest value allowed.</summary>
    public double Minimum { get; }

    /// <summary>Gets the largest value allowed.</summary>
    public double Maximum { get; }

    /// <summary>Gets the distinct candidate values, ascending.</summary>
    public IReadOnlyList<double> Candidates { get; }

    /// <summary>Creates a range whose candidates run from the minimum to the maximum in steps.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="minimum">The smallest value.</param>
    /// <param name="maximum">The largest value.</param>
    /// <param name="step">The step, greater than 0.</param>
    /// <returns>The range.</returns>
    public static ParameterRange Stepped(string name, double minimum, double maximum, double step)
    {
        if (!(step > 0) || !double.IsFinite(step))
        {
            throw new ArgumentException($"Parameter '{name}' has step {step}; it must be finite and greater than 0.", nameof(step));
        }

        if (!double.IsFinite(minimum) || !double.IsFinite(maximum) || minimum > maximum || (maximum - minimum) / step > MaxCandidates)
        {
            throw new ArgumentException($"Parameter '{name}': [{minimum}, {maximum}] in steps of {step} is not a valid range of at most {MaxCandidates} values.", nameof(step));
        }

        var values = new List<double>();
        for (var i = 0; minimum + (i * step) <= maximum + (step * 1e-9); i++)
        {
            values.Add(Math.Min(maximum, minimum + (i * step)));
        }

        return new ParameterRange(name, minimum, maximum, values);
    }
}
