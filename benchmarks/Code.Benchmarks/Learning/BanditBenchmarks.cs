using BenchmarkDotNet.Attributes;
using Code.Learning.Bandits;

namespace Code.Benchmarks.Learning;

/// <summary>One choose + update of each bandit over 10 arms (LinUCB with an 8-value context). Anchor: a uniform random choice.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class BanditBenchmarks
{
    private readonly double[] _context = [1, 0.2, -0.4, 0.9, 0.1, -0.7, 0.3, 0.5];
    private readonly Random _random = new(1);
    private IBanditPolicy _epsilonGreedy = null!;
    private IBanditPolicy _thompson = null!;
    private IBanditPolicy _thompsonOneDraw = null!;
    private IBanditPolicy _linUcb = null!;

    [GlobalSetup]
    public void Setup()
    {
        _epsilonGreedy = BanditPolicy.EpsilonGreedy(10, 0.1, seed: 1);
        _thompson = BanditPolicy.BernoulliThompson(10, seed: 1);
        _thompsonOneDraw = BanditPolicy.BernoulliThompson(10, propensityDraws: 1, seed: 1);
        _linUcb = BanditPolicy.LinUcb(10, _context.Length, seed: 1);
        for (var i = 0; i < 1000; i++)
        {
            Round(_epsilonGreedy);
            Round(_thompson);
            Round(_thompsonOneDraw);
            Round(_linUcb);
        }
    }

    [Benchmark(Baseline = true, Description = "Anchor: Random.Next(10)")]
    public int UniformRandom() => _random.Next(10);

    [Benchmark(Description = "Epsilon-greedy choose+update")]
    public int EpsilonGreedy() => Round(_epsilonGreedy);

    [Benchmark(Description = "Thompson (Beta) choose+update, 64 propensity draws")]
    public int Thompson() => Round(_thompson);

    [Benchmark(Description = "Thompson (Beta) choose+update, 1 propensity draw")]
    public int ThompsonOneDraw() => Round(_thompsonOneDraw);

    [Benchmark(Description = "LinUCB d=8 choose+update")]
    public int LinUcb() => Round(_linUcb);

    private int Round(IBanditPolicy policy)
    {
        var arm = policy.Choose(_context).Arm;
        policy.Update(arm, _context, arm % 3 == 0 ? 1 : 0);
        return arm;
    }
}
