namespace Code.Learning.Supervised;

/// <summary>Hyper-parameters of <see cref="FtrlLogisticRegression"/> (McMahan et al., 2013).</summary>
public sealed class FtrlOptions
{
    /// <summary>Gets or sets the per-coordinate learning rate scale (alpha); <c>learning.learning_rate</c> when registered by <c>AddLearning</c>.</summary>
    /// <value>The default value is 0.1.</value>
    public double Alpha { get; set; } = FtrlDefaults.Alpha;

    /// <summary>Gets or sets the learning rate smoothing (beta).</summary>
    /// <value>The default value is 1.</value>
    public double Beta { get; set; } = FtrlDefaults.Beta;

    /// <summary>Gets or sets the L1 regularization strength; larger values give sparser models.</summary>
    /// <value>The default value is 0.5.</value>
    public double L1 { get; set; } = FtrlDefaults.L1;

    /// <summary>Gets or sets the L2 regularization strength.</summary>
    /// <value>The default value is 1.</value>
    public double L2 { get; set; } = FtrlDefaults.L2;

    /// <summary>Gets or sets the number of hash bits: the weight table has 2^bits slots (3 doubles each).</summary>
    /// <value>The default value is 18 (262,144 slots, 6 MiB); allowed 4 to 26.</value>
    public int HashBits { get; set; } = FtrlDefaults.HashBits;

    internal void Validate()
    {
        Positive(Alpha, "alpha");
        NonNegative(Beta, "beta");
        NonNegative(L1, "l1");
        NonNegative(L2, "l2");
        if (HashBits is < 4 or > 26)
        {
            throw new ArgumentOutOfRangeException(nameof(HashBits), HashBits, "FTRL hash_bits must be between 4 and 26.");
        }
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"FTRL {name} must be a finite number greater than 0.");
        }
    }

    private static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"FTRL {name} must be a finite number of at least 0.");
        }
    }
}

/// <summary>Defaults of <see cref="FtrlOptions"/>.</summary>
internal static class FtrlDefaults
{
    public const double Alpha = 0.1;
    public const double Beta = 1.0;
    public const double L1 = 0.5;
    public const double L2 = 1.0;
    public const int HashBits = 18;
}
