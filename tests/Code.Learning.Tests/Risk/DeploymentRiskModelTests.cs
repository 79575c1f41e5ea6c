using Code.Learning.Risk;
using Code.Learning.Statistics;
using Code.Learning.Supervised;
using Xunit.Abstractions;

namespace Code.Learning.Tests.Risk;

public class DeploymentRiskModelTests(ITestOutputHelper output)
{
    private static readonly string[] Services = ["checkout", "search", "payments", "auth", "catalog", "ledger", "mail", "images"];
    private static readonly double[] ServiceRisk = [0.5, -0.8, 1.2, 0.0, -0.5, 1.5, -1.2, -0.3];

    /// <summary>
    /// Seeded synthetic deployments: failure log-odds grow with change size, recent failure rate,
    /// migrations, late-night and Friday-afternoon starts, and differ per service (with a per-service
    /// sensitivity to size); outcomes are drawn from the resulting probability.
    /// </summary>
    internal static (DeploymentRiskFeatures Features, bool Failed, double TrueP) Sample(Random random)
    {
        var service = random.Next(Services.Length);
        var lines = (int)Math.Exp(random.NextDouble() * 9); // 1 to ~8000 lines
        var files = Math.Max(1, lines / random.Next(10, 60));
        var failureRate = Math.Min(1, random.NextDouble() * random.NextDouble());
        var migration = random.NextDouble() < 0.15;
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).AddHours(random.Next(24 * 7));
        var offHours = start.Hour is < 6 or >= 22 ? 1.0 : 0.0;
        var fridayAfternoon = start.DayOfWeek == DayOfWeek.Friday && start.Hour >= 14 ? 1.0 : 0.0;
        var logit = -6.5 + ServiceRisk[service] + (0.55 * Math.Log(1 + lines) * (1 + (0.2 * ServiceRisk[service])))
            + (4 * failureRate) + (1.5 * (migration ? 1 : 0)) + (1.2 * offHours) + (1.5 * fridayAfternoon);
        var p = 1 / (1 + Math.Exp(-logit));
        var features = new DeploymentRiskFeatures(Services[service])
        {
            Environment = "production",
            LinesChanged = lines,
            FilesChanged = files,
            RecentFailureRate = failureRate,
            HasMigration = migration,
            StartsAt = start,
        };
        return (features, random.NextDouble() < p, p);
    }

    [Fact]
    public void Reaches_an_AUC_of_at_least_0_85_on_held_out_deployments()
    {
        var random = new Random(20261126);
        var model = new DeploymentRiskModel(new FtrlLogisticRegression(new FtrlOptions { Alpha = 0.1, L1 = 0.1, L2 = 1 }));
        for (var i = 0; i < 20_000; i++)
        {
            var (features, failed, _) = Sample(random);
            model.RecordOutcome(features, failed);
        }

        var scores = new List<double>();
        var oracle = new List<double>();
        var labels = new List<bool>();
        for (var i = 0; i < 5_000; i++)
        {
            var (features, failed, p) = Sample(random);
            scores.Add(model.PredictFailureProbability(features));
            oracle.Add(p);
            labels.Add(failed);
        }

        var auc = RocAuc.Compute(scores, labels);
        var bestPossible = RocAuc.Compute(oracle, labels);
        output.WriteLine($"risk model AUC {auc:F4} (true probabilities: {bestPossible:F4}); failure rate {labels.Count(l => l) / 5000.0:P1}; progressive log loss {model.Quality.LogLoss:F4}");
        Assert.True(auc >= 0.85, $"AUC {auc:F4}, best possible {bestPossible:F4}");
    }

    [Fact]
    public void Learns_online_that_a_risky_service_fails_more()
    {
        var model = new DeploymentRiskModel(new FtrlLogisticRegression());
        var risky = new DeploymentRiskFeatures("ledger") { LinesChanged = 100 };
        var safe = new DeploymentRiskFeatures("mail") { LinesChanged = 100 };
        var before = model.PredictFailureProbability(risky);
        for (var i = 0; i < 300; i++)
        {
            model.RecordOutcome(risky, i % 3 != 0);
            model.RecordOutcome(safe, i % 10 == 0);
        }

        Assert.Equal(0.5, before);
        Assert.True(model.PredictFailureProbability(risky) > 0.55);
        Assert.True(model.PredictFailureProbability(safe) < 0.2);
        Assert.Equal(600, model.Quality.Examples);
    }

    [Fact]
    public void Bad_features_fail_clearly_and_teach_nothing()
    {
        var model = new DeploymentRiskModel(new FtrlLogisticRegression());
        Assert.Throws<ArgumentException>(() => model.RecordOutcome(new DeploymentRiskFeatures(""), true));
        var negative = Assert.Throws<ArgumentException>(() => model.RecordOutcome(new DeploymentRiskFeatures("a") { LinesChanged = -1 }, true));
        Assert.Contains("negative", negative.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.PredictFailureProbability(new DeploymentRiskFeatures("a") { RecentFailureRate = double.NaN }));
        var nan = Assert.Throws<ArgumentException>(() => model.RecordOutcome(new DeploymentRiskFeatures("a") { Numeric = new Dictionary<string, double> { ["queue_depth"] = double.PositiveInfinity } }, true));
        Assert.Contains("'queue_depth'", nan.Message, StringComparison.Ordinal);
        Assert.Equal(0, model.Quality.Examples);
    }
}
