namespace Code.Learning.Supervised;

/// <summary>
/// Online logistic regression trained by FTRL-proximal (McMahan et al., "Ad Click Prediction: a View
/// from the Trenches", 2013) over hashed features; returns the probability of the positive class.
/// </summary>
/// <remarks>
/// <para>
/// Thread safety: one writer and many readers. <see cref="Learn"/> calls are serialized by a lock;
/// <see cref="Predict"/> takes no lock and allocates nothing: it reads only the weight table, which the
/// writer updates one 8-byte slot at a time, so a reader sees each weight either before or after an
/// update, never torn.
/// </para>
/// <para>
/// Probabilities come from the logistic link trained on log loss, which is a proper scoring rule, so they
/// are calibrated when the model is well specified; <see cref="Quality"/> reports log loss and Brier score
/// by progressive validation so a host can check it.
/// </para>
/// </remarks>
public sealed partial class FtrlLogisticRegression
{
    /// <summary>The model type written to the model registry.</summary>
    public const string ModelType = "ftrl-logistic";

    private const uint FormatMagic = 0x4C525446; // "FTRL"
    private const int FormatVersion = 1;
    private const int MaxFeaturesPerExample = 4096;
    private const double MaxExampleWeight = 1e6;
    private const int CalibrationBins = 10;

    private readonly double[] _z;
    private readonly double[] _n;
    private readonly double[] _weights;
    private readonly int _mask;
    private readonly int _biasSlot;
    private readonly Lock _writeLock = new();
    private readonly double _alpha;
    private readonly double _beta;
    private readonly double _l1;
    private readonly double _l2;
    private long _examples;
    private double _logLossSum;
    private double _brierSum;
    private long _correct;
    private readonly double[] _binPredicted = new double[CalibrationBins];
    private readonly double[] _binObserved = new double[CalibrationBins];
    private int[] _slots = new int[64];
    private double[] _values = new double[64];
    private double[] _stagedN = new double[64];
    private double[] _stagedZ = new double[64];
    private double[] _stagedW = new double[64];

    /// <summary>Initializes a new instance of the <see cref="FtrlLogisticRegression"/> class.</summary>
    /// <param name="options">The hyper-parameters; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public FtrlLogisticRegression(FtrlOptions? options = null)
    {
        options ??= new FtrlOptions();
        options.Validate();
        _alpha = options.Alpha;
        _beta = options.Beta;
        _l1 = options.L1;
        _l2 = options.L2;
        HashBits = options.HashBits;
        var size = 1 << HashBits;
        _mask = size - 1;
        _biasSlot = size;
        _z = new double[size + 1];
        _n = new double[size + 1];
        _weights = new double[size + 1];
    }

    /// <summary>Gets the number of hash bits of the weight table.</summary>
    public int HashBits { get; }

    /// <summary>Gets the progressive-validation quality over every example learned so far.</summary>
    public ModelQuality Quality
    {
        get
        {
            lock (_writeLock)
            {
                return _examples == 0
                    ? new ModelQuality(0, double.NaN, double.NaN, double.NaN, double.NaN)
                    : new ModelQuality(_examples, _logLossSum / _examples, (double)_correct / _examples, _brierSum / _examples, CalibrationError());
            }
        }
    }

    /// <summary>Gets the number of examples learned.</summary>
    public long ExamplesSeen => Interlocked.Read(ref _examples);

    /// <summary>Computes the probability that the label of <paramref name="features"/> is positive. Allocation-free.</summary>
    /// <param name="features">The features; duplicates add up.</param>
    /// <returns>The probability, in (0, 1).</returns>
    /// <exception cref="ArgumentException">A feature is NaN, infinite or beyond ±1e9, or has no name.</exception>
    public double Predict(ReadOnlySpan<Feature> features) => Sigmoid(Margin(features));

    /// <summary>Learns from one labelled example and returns the probability predicted before the update.</summary>
    /// <param name="features">The features, at most 4096, each value within ±1e9; duplicates (and features hashed to the same slot) add up.</param>
    /// <param name="label">Whether the outcome was positive.</param>
    /// <param name="weight">The example's importance weight, from 0 to 1e6 (0 scores without learning).</param>
    /// <returns>The probability the model gave before learning from this example.</returns>
    /// <exception cref="ArgumentException">
    /// A feature is NaN, infinite, beyond ±1e9 or unnamed, there are too many features, or the update would
    /// make the model's state non-finite. Nothing is learned then: the update is computed in full and checked
    /// before any of it is written.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is negative, above 1e6 or not finite.</exception>
    public double Learn(ReadOnlySpan<Feature> features, bool label, double weight = 1.0)
    {
        if (!(weight >= 0 && weight <= MaxExampleWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"An example weight must be a finite number from 0 to {MaxExampleWeight:G}.");
        }

        if (features.Length > MaxFeaturesPerExample)
        {
            throw new ArgumentException($"An example has {features.Length} features; at most {MaxFeaturesPerExample} are accepted.", nameof(features));
        }

        lock (_writeLock)
        {
            // Validate and hash every feature, and merge features that share a slot (their gradient is the sum).
            var count = features.Length;
            EnsureScratch(count + 1);
            var slots = _slots.AsSpan(0, count);
            var values = _values.AsSpan(0, count);
            for (var i = 0; i < count; i++)
            {
                slots[i] = FeatureHasher.Slot(features[i], _mask);
                values[i] = features[i].Value;
            }

            var unique = Merge(slots, values);
            var margin = _weights[_biasSlot];
            for (var i = 0; i < unique; i++)
            {
                margin += _weights[slots[i]] * values[i];
            }

            var p = Sigmoid(margin);
            var y = label ? 1.0 : 0.0;
            var clipped = Math.Clamp(p, 1e-15, 1 - 1e-15);
            var logLoss = _logLossSum + (label ? -Math.Log(clipped) : -Math.Log(1 - clipped));
            var brier = _brierSum + ((p - y) * (p - y));
            if (!double.IsFinite(margin) || !double.IsFinite(logLoss) || !double.IsFinite(brier))
            {
                throw new ArgumentException("The example's margin or loss is not finite; nothing was learned.", nameof(features));
            }

            // The complete FTRL update, staged: the bias in the last entry.
            var gradient = (p - y) * weight;
            if (weight > 0)
            {
                for (var i = 0; i <= unique; i++)
                {
                    var slot = i < unique ? slots[i] : _biasSlot;
                    var g = i < unique ? gradient * values[i] : gradient;
                    var n = _n[slot] + (g * g);
                    var sigma = (Math.Sqrt(n) - Math.Sqrt(_n[slot])) / _alpha;
                    var z = _z[slot] + g - (sigma * _weights[slot]);
                    var w = Weight(z, n);
                    if (!double.IsFinite(n) || !double.IsFinite(z) || !double.IsFinite(w))
                    {
                        throw new ArgumentException($"Learning this example would make the model's state non-finite (a feature value or the example weight is too large); nothing was learned.", nameof(features));
                    }

                    _stagedN[i] = n;
                    _stagedZ[i] = z;
                    _stagedW[i] = w;
                }
            }

            // Commit.
            _logLossSum = logLoss;
            _brierSum = brier;
            var bin = Math.Min(CalibrationBins - 1, (int)(p * CalibrationBins));
            _binPredicted[bin] += p;
            _binObserved[bin] += y;
            if ((p >= 0.5) == label)
            {
                _correct++;
            }

            Interlocked.Increment(ref _examples);
            if (weight > 0)
            {
                for (var i = 0; i <= unique; i++)
                {
                    var slot = i < unique ? slots[i] : _biasSlot;
                    _n[slot] = _stagedN[i];
                    _z[slot] = _stagedZ[i];
                    _weights[slot] = _stagedW[i];
                }
            }

            return p;
        }
    }

    /// <summary>Expected calibration error over ten equal-width probability bins of the progressive predictions.</summary>
    private double CalibrationError()
    {
        var total = 0.0;
        for (var b = 0; b < CalibrationBins; b++)
        {
            total += Math.Abs(_binPredicted[b] - _binObserved[b]);
        }

        return total / _examples;
    }

    private double Margin(ReadOnlySpan<Feature> features)
    {
        var margin = _weights[_biasSlot];
        for (var i = 0; i < features.Length; i++)
        {
            ref readonly var feature = ref features[i];
            margin += _weights[FeatureHasher.Slot(feature, _mask)] * feature.Value;
        }

        return margin;
    }

    /// <summary>The FTRL-proximal weight of a slot from its z and n.</summary>
    private double Weight(double z, double n)
    {
        if (Math.Abs(z) <= _l1)
        {
            return 0;
        }

        return -(z - (Math.Sign(z) * _l1)) / (((_beta + Math.Sqrt(n)) / _alpha) + _l2);
    }

    /// <summary>Sorts the slots (with their values) and merges equal slots by adding their values; returns how many remain.</summary>
    private static int Merge(Span<int> slots, Span<double> values)
    {
        if (slots.Length < 2)
        {
            return slots.Length;
        }

        slots.Sort(values);
        var unique = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            if (unique > 0 && slots[unique - 1] == slots[i])
            {
                values[unique - 1] += values[i];
            }
            else
            {
                slots[unique] = slots[i];
                values[unique] = values[i];
                unique++;
            }
        }

        return unique;
    }

    /// <summary>Grows the writer's scratch arrays (allocates only when an example has more features than any before).</summary>
    private void EnsureScratch(int entries)
    {
        if (_stagedN.Length >= entries)
        {
            return;
        }

        var size = Math.Max(entries, _stagedN.Length * 2);
        _slots = new int[size];
        _values = new double[size];
        _stagedN = new double[size];
        _stagedZ = new double[size];
        _stagedW = new double[size];
    }

    private static double Sigmoid(double margin)
    {
        margin = Math.Clamp(margin, -35, 35);
        return 1 / (1 + Math.Exp(-margin));
    }
}
