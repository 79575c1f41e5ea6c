using System.Globalization;
using Code.Learning.Adaptation;
using Code.Learning.Anomalies;
using Code.Learning.Bandits;
using Code.Learning.Clustering;
using Code.Learning.Risk;
using Code.Learning.Statistics;
using Code.Learning.Supervised;

namespace Code.Learning.Tests;

/// <summary>
/// Every model, fed 1e300, -1e300, NaN, +∞ or -∞ at the start, early or late in a stream of ordinary values,
/// either rejects it with an <see cref="ArgumentException"/> and is then exactly what a twin that never saw
/// it is, or learns it and keeps working: the ordinary values after it are accepted, what the model shows
/// stays finite and its checkpoint loads.
/// </summary>
public class NonFiniteInputTests
{
    private const int Suffix = 40;
    private static readonly double[] BadValues = [1e300, -1e300, double.NaN, double.PositiveInfinity, double.NegativeInfinity];
    private static readonly int[] Positions = [0, 1, 40];

    public static TheoryData<string> Models =>
    [
        "ftrl-feature", "ftrl-weight", "risk-numeric", "risk-failure-rate",
        "epsilon-greedy", "thompson-bernoulli", "thompson-gaussian", "linucb-reward", "linucb-context", "adaptive-policy",
        "kmeans", "running-statistics", "ewma", "p2-quantile", "ab-test",
        "robust-z-score", "robust-z-score-detector", "ewma-band", "cusum", "page-hinkley",
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void A_bad_value_is_rejected_without_a_trace_or_learned_without_harm(string model)
    {
        foreach (var bad in BadValues)
        {
            foreach (var position in Positions)
            {
                var where = $"{model}, {bad.ToString(CultureInfo.InvariantCulture)} after {position} values";
                var random = new Random(17);
                var stream = Enumerable.Range(0, position + Suffix).Select(_ => random.NextDouble()).ToArray();
                var subject = Create(model);
                var twin = Create(model);
                for (var i = 0; i < position; i++)
                {
                    subject.Feed(subject.Ordinary(stream[i]), i);
                    twin.Feed(twin.Ordinary(stream[i]), i);
                }

                bool accepted;
                try
                {
                    subject.Feed(bad, position);
                    accepted = true;
                }
                catch (ArgumentException)
                {
                    accepted = false;
                }

                var seen = new List<double>();
                var expected = new List<double>();
                for (var i = position; i < stream.Length; i++)
                {
                    var value = subject.Ordinary(stream[i]);
                    seen.AddRange(Feed(subject, value, i + 1, where));
                    if (!accepted)
                    {
                        expected.AddRange(twin.Feed(value, i + 1));
                    }
                }

                var shown = subject.Show();
                Assert.True(shown.All(double.IsFinite), $"{where}: the model shows [{string.Join(", ", shown)}]");
                var checkpoint = subject.Checkpoint();
                if (!accepted)
                {
                    Assert.Equal(expected, seen);
                    Assert.Equal(twin.Show(), shown);
                    Assert.Equal(twin.Checkpoint(), checkpoint);
                }
            }
        }
    }

    private static double[] Feed(Probe probe, double value, int step, string where)
    {
        try
        {
            return probe.Feed(value, step);
        }
        catch (Exception ex)
        {
            Assert.Fail($"{where}: the ordinary value {value} that followed was refused: {ex.Message}");
            throw;
        }
    }

    /// <summary>A model behind a uniform face: feed one value (with the step, for models that need an arm), show its state, checkpoint it.</summary>
    private sealed record Probe(Func<double, double> Ordinary, Func<double, int, double[]> Feed, Func<double[]> Show, Func<string> Checkpoint);

    private static Probe Create(string model)
    {
        double[] none = [];
        switch (model)
        {
            case "ftrl-feature":
            case "ftrl-weight":
            {
                var ftrl = new FtrlLogisticRegression(new FtrlOptions { HashBits = 8 });
                Feature[] probe = [new("x", 0.5), new("service", "a")];
                return new Probe(
                    u => model == "ftrl-weight" ? 0.5 + u : (u * 4) - 2,
                    (v, step) =>
                    {
                        var p = model == "ftrl-weight" ? ftrl.Learn([new("x", 1.0), new("service", "a")], step % 3 == 0, v) : ftrl.Learn([new("x", v), new("service", "a")], v > 0.5);
                        return [p];
                    },
                    () => [ftrl.Predict(probe), ftrl.Quality.LogLoss, ftrl.Quality.BrierScore],
                    () => Convert.ToHexString(FtrlLogisticRegression.Deserialize(ftrl.Serialize()).Serialize()));
            }

            case "risk-numeric":
            case "risk-failure-rate":
            {
                var risk = DeploymentRiskModels.Create(new FtrlOptions { HashBits = 8 });
                var probe = new DeploymentRiskFeatures("checkout") { LinesChanged = 120, Numeric = new Dictionary<string, double> { ["x"] = 1 } };
                return new Probe(
                    u => u,
                    (v, step) => [model == "risk-numeric"
                        ? risk.RecordOutcome(new DeploymentRiskFeatures("checkout") { Numeric = new Dictionary<string, double> { ["x"] = v } }, step % 4 == 0)
                        : risk.RecordOutcome(new DeploymentRiskFeatures("checkout") { RecentFailureRate = v }, step % 4 == 0)],
                    () => [risk.PredictFailureProbability(probe), risk.Quality.LogLoss],
                    () => risk.PredictFailureProbability(probe).ToString("R", CultureInfo.InvariantCulture));
            }

            case "epsilon-greedy":
            case "thompson-bernoulli":
            case "thompson-gaussian":
            {
                var bandit = model switch
                {
                    "epsilon-greedy" => BanditPolicy.EpsilonGreedy(3, 0.1, seed: 1),
                    "thompson-bernoulli" => BanditPolicy.BernoulliThompson(3, seed: 1),
                    _ => BanditPolicy.GaussianThompson(3, seed: 1),
                };
                return new Probe(
                    u => model == "thompson-bernoulli" ? Math.Round(u) : u,
                    (v, step) =>
                    {
                        bandit.Update(step % 3, [], v);
                        return Propensities(bandit, none);
                    },
                    () => [.. Propensities(bandit, none), bandit.Choose(none).Propensity],
                    () => Convert.ToHexString(BanditPolicy.Deserialize(bandit.Serialize()).Serialize()));
            }

            case "linucb-reward":
            case "linucb-context":
            {
                var bandit = BanditPolicy.LinUcb(3, 2, seed: 1);
                double[] probe = [1, 0.3];
                return new Probe(
                    u => (u * 2) - 1,
                    (v, step) =>
                    {
                        if (model == "linucb-reward")
                        {
                            bandit.Update(step % 3, [1, 0.1 * (step % 7)], v);
                        }
                        else
                        {
                            bandit.Update(step % 3, [1, v], step % 2);
                        }

                        return Propensities(bandit, probe);
                    },
                    () => [.. Propensities(bandit, probe), bandit.Choose(probe).Propensity],
                    () => Convert.ToHexString(BanditPolicy.Deserialize(bandit.Serialize()).Serialize()));
            }

            case "adaptive-policy":
            {
                var policy = new AdaptivePolicy("p", [new ParameterRange("steps", 1, 10, [2, 5, 8])], seed: 1);
                return new Probe(
                    u => u,
                    (v, step) =>
                    {
                        policy.Reward(new ParameterChoice(step % 3, policy.ValuesOf(step % 3), 1.0 / 3), v);
                        return Propensities(policy.Bandit, none);
                    },
                    () => Propensities(policy.Bandit, none),
                    () => Convert.ToHexString(policy.Bandit.Serialize()));
            }

            case "kmeans":
            {
                var kmeans = new OnlineKMeans(3, 2);
                return new Probe(
                    u => (u * 10) - 5,
                    (v, step) =>
                    {
                        var assignment = kmeans.Learn([v, step % 3]);
                        return [assignment.Distance];
                    },
                    () => [.. Enumerable.Range(0, kmeans.SeededClusters).SelectMany(kmeans.GetCentre), kmeans.Assign([0.5, 1]).Distance],
                    () => string.Join(";", Enumerable.Range(0, kmeans.SeededClusters).Select(c => string.Join(",", kmeans.GetCentre(c)) + "#" + kmeans.GetCount(c))));
            }

            case "running-statistics":
            {
                var statistics = new RunningStatistics();
                return new Probe(
                    u => 100 + (10 * u),
                    (v, _) =>
                    {
                        statistics.Add(v);
                        return [statistics.Mean];
                    },
                    () => [statistics.Count, statistics.Mean, statistics.Variance, statistics.Minimum, statistics.Maximum],
                    () => $"{statistics.Count}|{statistics.Mean:R}|{statistics.Variance:R}");
            }

            case "ewma":
            {
                var ewma = new ExponentialMovingAverage(0.1);
                return new Probe(
                    u => 100 + (10 * u),
                    (v, _) =>
                    {
                        ewma.Add(v);
                        return [ewma.Mean];
                    },
                    () => [ewma.Count, ewma.Mean, ewma.Variance],
                    () => $"{ewma.Count}|{ewma.Mean:R}|{ewma.Variance:R}");
            }

            case "p2-quantile":
            {
                var quantile = new P2Quantile(0.9);
                return new Probe(
                    u => 100 + (10 * u),
                    (v, _) =>
                    {
                        quantile.Add(v);
                        return [quantile.Estimate];
                    },
                    () => [quantile.Count, quantile.Estimate],
                    () => $"{quantile.Count}|{quantile.Estimate:R}");
            }

            case "ab-test":
            {
                var test = new AbTest("t", [new AbVariant("a"), new AbVariant("b")], new AbTestOptions { MinimumSamplesPerVariant = 5 });
                return new Probe(
                    u => 100 + (10 * u),
                    (v, step) =>
                    {
                        test.Record(step % 2 == 0 ? "a" : "b", v);
                        return [test.Evaluate().Comparisons[0].PValue];
                    },
                    () => [.. test.Evaluate().Variants.SelectMany(s => new[] { s.Mean, s.StandardDeviation }), test.Evaluate().Comparisons[0].PValue],
                    () => string.Join("|", test.Evaluate().Variants.Select(s => $"{s.Count},{s.Mean:R},{s.StandardDeviation:R}")));
            }

            case "robust-z-score":
            {
                double[] window = [98, 101, 99, 102, 100, 97, 103];
                var last = 0.0;
                return new Probe(
                    u => 100 + (10 * u),
                    (v, _) =>
                    {
                        last = RobustZScore.Score(window, v);
                        return [last];
                    },
                    () => [last],
                    () => "stateless");
            }

            case "robust-z-score-detector":
            case "ewma-band":
            case "cusum":
            case "page-hinkley":
            {
                var robust = new RobustZScoreDetector(20, minimumHistory: 5);
                var band = new EwmaBandDetector(warmup: 5);
                var cusum = new CusumDetector(warmup: 5);
                var pageHinkley = new PageHinkleyDetector(0.5, 50, minimumValues: 5);
                var last = Array.Empty<double>();
                return new Probe(
                    u => 100 + (10 * u),
                    (v, _) =>
                    {
                        last = model switch
                        {
                            "robust-z-score-detector" => [robust.Observe(v).Score],
                            "ewma-band" => [band.Observe(v).Score, band.Band.Lower, band.Band.Upper],
                            "cusum" => [cusum.Observe(v).Statistic],
                            _ => [pageHinkley.Observe(v).Statistic],
                        };
                        return last;
                    },
                    () => last,
                    () => string.Join(",", last));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(model), model, "unknown model");
        }
    }

    private static double[] Propensities(IBanditPolicy bandit, double[] context) =>
        [.. Enumerable.Range(0, bandit.ArmCount).Select(arm => bandit.GetProbability(context, arm))];
}
