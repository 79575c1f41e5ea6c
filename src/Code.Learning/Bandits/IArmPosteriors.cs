namespace Code.Learning.Bandits;

/// <summary>The posteriors of a Thompson-sampling policy's arms, as <see cref="ArgmaxProbabilities"/> integrates them.</summary>
internal interface IArmPosteriors
{
    /// <summary>Gets whether <see cref="Density"/> uses ln x and ln(1 - x) (computed once per node for every arm).</summary>
    static abstract bool UsesLogs { get; }

    /// <summary>Gets the number of arms.</summary>
    int Count { get; }

    /// <summary>
    /// Describes an arm's posterior: its mean and standard deviation, the range outside which each tail
    /// holds less than 1e-15 of its mass, and whether its density is unbounded at the range's lower or
    /// upper end (a Beta posterior with alpha or beta below 1).
    /// </summary>
    void Describe(int arm, out double center, out double scale, out double lower, out double upper, out bool singularLow, out bool singularHigh);

    /// <summary>The posterior density of an arm at <paramref name="x"/>.</summary>
    double Density(int arm, double x, double logX, double logOneMinusX);
}
