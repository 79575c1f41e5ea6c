using BenchmarkDotNet.Attributes;
using Code.Learning.CanaryJudge;

namespace Code.Benchmarks.Learning;

/// <summary>
/// The canary judge on one metric with 1000 baseline and 1000 canary samples: NaN drop, pooled ranks in time
/// order for the AR(1) inflation, Mann-Whitney U, the Hodges-Lehmann estimate with its test interval and its
/// equivalence bounds (selection), and the upper-tail rank test with its inverted interval. Anchor: the textbook
/// Hodges-Lehmann estimate alone, forming and sorting all 1,000,000 pairwise differences.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CanaryJudgeBenchmarks
{
    private readonly ICanaryJudge _judge = CanaryJudges.Create();
    private CanaryJudgeRequest _request = null!;
    private double[] _baseline = null!;
    private double[] _canary = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _baseline = Enumerable.Range(0, 1000).Select(_ => 100 + (10 * random.NextDouble())).ToArray();
        _canary = Enumerable.Range(0, 1000).Select(_ => 104 + (10 * random.NextDouble())).ToArray();
        _request = new CanaryJudgeRequest([new CanaryMetricSamples(new CanaryMetricConfig("latency") { Direction = MetricDirection.Increase }, _baseline, _canary)]);
    }

    [Benchmark(Description = "Judge 2 x 1000 (ranks + AR(1), Mann-Whitney, HL + 2 intervals, tail test)")]
    public double Judge() => _judge.Judge(_request).Score;

    [Benchmark(Baseline = true, Description = "Anchor: naive HL (1e6 differences, sort)")]
    public double NaiveHodgesLehmann()
    {
        var differences = new double[_baseline.Length * _canary.Length];
        var k = 0;
        foreach (var b in _baseline)
        {
            foreach (var c in _canary)
            {
                differences[k++] = c - b;
            }
        }

        Array.Sort(differences);
        return 0.5 * (differences[(differences.Length / 2) - 1] + differences[differences.Length / 2]);
    }
}
