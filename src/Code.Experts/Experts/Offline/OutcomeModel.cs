using Code.Experts.Consultation;
using Code.Experts.Verdicts;

namespace Code.Experts.Experts.Offline;

/// <summary>
/// The learned offline expert's model: a multinomial logistic regression from the numeric evidence of a
/// decision to the choice that turned out right, trained online by one gradient step per reported outcome.
/// Features are standardised with running means and variances (Welford), so evidence on any scale can be
/// mixed. Choices and features are keyed by their normalised name; both are capped so hostile input cannot
/// grow the stored model without bound.
/// </summary>
internal sealed class OutcomeModel
{
    public const int MaxFeatures = 256;
    public const int MaxChoices = 64;
    public const string Bias = "(bias)";
    private const double MaxZ = 5;
    private const double L2 = 1e-4;

    /// <summary>Gets or sets the number of outcomes learned from.</summary>
    public long Outcomes { get; set; }

    /// <summary>Gets or sets the running statistics of each feature.</summary>
    public Dictionary<string, FeatureStatistics> Features { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the consultations learned from here whose report has not yet acknowledged it (see <see cref="Reliability.InFlightOutcome"/>); null when none.</summary>
    public List<Reliability.InFlightOutcome>? InFlight { get; set; }

    /// <summary>Gets or sets each choice's weights per feature (and <see cref="Bias"/>).</summary>
    public Dictionary<string, Dictionary<string, double>> Weights { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gives each choice's probability for the evidence, or <see langword="null"/> when no evidence is a known feature.</summary>
    /// <param name="evidence">The question's evidence (numbers are used).</param>
    /// <param name="choices">The question's choices.</param>
    /// <returns>The probabilities, in the order of <paramref name="choices"/>.</returns>
    public double[]? Predict(IReadOnlyList<Evidence> evidence, IReadOnlyList<string> choices)
    {
        var x = Standardise(evidence);
        if (x.Count == 1)
        {
            return null;
        }

        return Softmax(choices.Select(c => Score(AnswerText.Normalize(c), x)).ToArray());
    }

    /// <summary>Learns from one reported outcome.</summary>
    /// <param name="evidence">The consultation's evidence.</param>
    /// <param name="choices">The consultation's choices.</param>
    /// <param name="truth">The choice that turned out right.</param>
    /// <param name="learningRate">The step size.</param>
    public void Learn(IReadOnlyList<Evidence> evidence, IReadOnlyList<string> choices, string truth, double learningRate)
    {
        foreach (var item in evidence)
        {
            if (item.Value is { } value && double.IsFinite(value))
            {
                var name = AnswerText.Normalize(item.Name);
                if (Features.TryGetValue(name, out var statistics) || Features.Count < MaxFeatures)
                {
                    statistics ??= Features[name] = new FeatureStatistics();
                    statistics.Add(value);
                }
            }
        }

        var x = Standardise(evidence);
        var keys = choices.Select(AnswerText.Normalize).ToArray();
        var p = Softmax(keys.Select(k => Score(k, x)).ToArray());
        var truthKey = AnswerText.Normalize(truth);
        for (var i = 0; i < keys.Length; i++)
        {
            if (!Weights.TryGetValue(keys[i], out var weights))
            {
                if (Weights.Count >= MaxChoices)
                {
                    continue;
                }

                weights = Weights[keys[i]] = new Dictionary<string, double>(StringComparer.Ordinal);
            }

            var error = (keys[i] == truthKey ? 1 : 0) - p[i];
            foreach (var (feature, z) in x)
            {
                weights.TryGetValue(feature, out var w);
                weights[feature] = w + (learningRate * ((error * z) - (L2 * w)));
            }
        }

        Outcomes++;
    }

    private Dictionary<string, double> Standardise(IReadOnlyList<Evidence> evidence)
    {
        var x = new Dictionary<string, double>(StringComparer.Ordinal) { [Bias] = 1 };
        foreach (var item in evidence)
        {
            if (item.Value is { } value && double.IsFinite(value)
                && Features.TryGetValue(AnswerText.Normalize(item.Name), out var statistics) && statistics.Count > 0)
            {
                var sd = Math.Sqrt(statistics.Variance);
                x[AnswerText.Normalize(item.Name)] = sd > 1e-12 ? Math.Clamp((value - statistics.Mean) / sd, -MaxZ, MaxZ) : 0;
            }
        }

        return x;
    }

    private double Score(string choice, Dictionary<string, double> x)
    {
        if (!Weights.TryGetValue(choice, out var weights))
        {
            return 0;
        }

        var score = 0.0;
        foreach (var (feature, z) in x)
        {
            score += weights.GetValueOrDefault(feature) * z;
        }

        return score;
    }

    private static double[] Softmax(double[] scores)
    {
        var max = scores.Max();
        var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }
}

/// <summary>Running mean and variance of one feature (Welford's algorithm).</summary>
internal sealed class FeatureStatistics
{
    /// <summary>Gets or sets the number of values seen.</summary>
    public long Count { get; set; }

    /// <summary>Gets or sets the running mean.</summary>
    public double Mean { get; set; }

    /// <summary>Gets or sets the running sum of squared differences from the mean.</summary>
    public double M2 { get; set; }

    /// <summary>Gets the population variance.</summary>
    public double Variance => Count > 0 ? M2 / Count : 0;

    public void Add(double value)
    {
        Count++;
        var delta = value - Mean;
        Mean += delta / Count;
        M2 += delta * (value - Mean);
    }
}
