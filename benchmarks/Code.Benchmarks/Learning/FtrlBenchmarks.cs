using BenchmarkDotNet.Attributes;
using Code.Learning.Supervised;

namespace Code.Benchmarks.Learning;

/// <summary>
/// FTRL learn and predict with 50 hashed features (25 numeric, 25 categorical). Anchor: the same
/// logistic prediction over a Dictionary of weights keyed by feature name, the usual first implementation.
/// Goals (issue 5): learn at most 5 us, predict at most 1 us and 0 B allocated per predict.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class FtrlBenchmarks
{
    private readonly Feature[] _features = new Feature[50];
    private readonly Dictionary<string, double> _dictionaryWeights = new(StringComparer.Ordinal);
    private FtrlLogisticRegression _model = null!;
    private bool _label;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (var i = 0; i < _features.Length; i++)
        {
            _features[i] = i % 2 == 0 ? new Feature("numeric_" + i, random.NextDouble()) : new Feature("category_" + i, "value_" + random.Next(100));
        }

        _model = new FtrlLogisticRegression();
        for (var i = 0; i < 1000; i++)
        {
            _model.Learn(_features, i % 3 == 0);
        }

        foreach (var feature in _features)
        {
            _dictionaryWeights[feature.Category is null ? feature.Name : feature.Name + "=" + feature.Category] = random.NextDouble();
        }
    }

    [Benchmark]
    public double Predict() => _model.Predict(_features);

    [Benchmark]
    public double Learn()
    {
        _label = !_label;
        return _model.Learn(_features, _label);
    }

    [Benchmark(Baseline = true, Description = "Anchor: Dictionary<string, double> predict")]
    public double DictionaryPredict()
    {
        var margin = 0.0;
        foreach (var feature in _features)
        {
            var key = feature.Category is null ? feature.Name : feature.Name + "=" + feature.Category;
            if (_dictionaryWeights.TryGetValue(key, out var weight))
            {
                margin += weight * feature.Value;
            }
        }

        return 1 / (1 + Math.Exp(-margin));
    }
}
