using BenchmarkDotNet.Attributes;
using Code.Learning.Bandits;

namespace Code.Benchmarks.Learning;

/// <summary>
/// One choose + update of each bandit over 10 arms (LinUCB with an 8-value context). Anchors: a uniform
/// random choice, and for Thompson sampling the former propensity estimate (64 extra posterior draws of
/// all 10 arms, reimplemented here) against the numerical integral the library now uses.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class BanditBenchmarks
{
    private readonly double[] _context = [1, 0.2, -0.4, 0.9, 0.1, -0.7, 0.3, 0.5];
    private readonly Random _random = new(1);
    private IBanditPolicy _epsilonGreedy = null!;
    private IBanditPolicy _thompson = null!;
    private IBanditPolicy _gaussianThompson = null!;
    private IBanditPolicy _linUcb = null!;
    private MonteCarloThompson _monteCarlo = null!;

    [GlobalSetup]
    public void Setup()
    {
        _epsilonGreedy = BanditPolicy.EpsilonGreedy(10, 0.1, seed: 1);
        _thompson = BanditPolicy.BernoulliThompson(10, seed: 1);
        _gaussianThompson = BanditPolicy.GaussianThompson(10, seed: 1);
        _linUcb = BanditPolicy.LinUcb(10, _context.Length, seed: 1);
        _monteCarlo = new MonteCarloThompson(10, 64, seed: 1);
        for (var i = 0; i < 1000; i++)
        {
            Round(_epsilonGreedy);
            Round(_thompson);
            Round(_gaussianThompson);
            Round(_linUcb);
            MonteCarloRound();
        }
    }

    [Benchmark(Baseline = true, Description = "Anchor: Random.Next(10)")]
    public int UniformRandom() => _random.Next(10);

    [Benchmark(Description = "Epsilon-greedy choose+update")]
    public int EpsilonGreedy() => Round(_epsilonGreedy);

    [Benchmark(Description = "Thompson (Beta) choose+update, integrated propensity")]
    public int Thompson() => Round(_thompson);

    [Benchmark(Description = "Thompson (normal) choose+update, integrated propensity")]
    public int GaussianThompson() => Round(_gaussianThompson);

    [Benchmark(Description = "Anchor: Thompson (Beta) choose+update, 64 Monte Carlo propensity draws (former method)")]
    public int ThompsonMonteCarlo() => MonteCarloRound();

    [Benchmark(Description = "LinUCB d=8 choose+update")]
    public int LinUcb() => Round(_linUcb);

    private int Round(IBanditPolicy policy)
    {
        var arm = policy.Choose(_context).Arm;
        policy.Update(arm, _context, arm % 3 == 0 ? 1 : 0);
        return arm;
    }

    private int MonteCarloRound()
    {
        var arm = _monteCarlo.Choose(out _);
        _monteCarlo.Update(arm, arm % 3 == 0 ? 1 : 0);
        return arm;
    }

    /// <summary>The former propensity estimate: the share of 64 further Thompson draws that pick the chosen arm (floored at half a draw).</summary>
    private sealed class MonteCarloThompson(int arms, int draws, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly double[] _alpha = Enumerable.Repeat(1.0, arms).ToArray();
        private readonly double[] _beta = Enumerable.Repeat(1.0, arms).ToArray();

        public int Choose(out double propensity)
        {
            var arm = Draw();
            var hits = 0;
            for (var i = 0; i < draws; i++)
            {
                hits += Draw() == arm ? 1 : 0;
            }

            propensity = Math.Max(hits, 0.5) / draws;
            return arm;
        }

        public void Update(int arm, double reward)
        {
            _alpha[arm] += reward;
            _beta[arm] += 1 - reward;
        }

        private int Draw()
        {
            var best = 0;
            var bestValue = double.NegativeInfinity;
            for (var a = 0; a < _alpha.Length; a++)
            {
                var x = Gamma(_alpha[a]);
                var value = x / (x + Gamma(_beta[a]));
                if (value > bestValue)
                {
                    best = a;
                    bestValue = value;
                }
            }

            return best;
        }

        private double Gamma(double shape)
        {
            if (shape < 1)
            {
                return Gamma(shape + 1) * Math.Pow(1 - _random.NextDouble(), 1 / shape);
            }

            var d = shape - (1.0 / 3);
            var c = 1 / Math.Sqrt(9 * d);
            while (true)
            {
                double x, v;
                do
                {
                    var u1 = 1 - _random.NextDouble();
                    x = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * _random.NextDouble());
                    v = 1 + (c * x);
                }
                while (v <= 0);

                v = v * v * v;
                var u = 1 - _random.NextDouble();
                if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
                {
                    return d * v;
                }
            }
        }
    }
}
