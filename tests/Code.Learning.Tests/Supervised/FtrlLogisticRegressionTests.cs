using Code.Learning.Supervised;

namespace Code.Learning.Tests.Supervised;

public class FtrlLogisticRegressionTests
{
    [Fact]
    public void A_new_model_predicts_one_half()
    {
        var model = new FtrlLogisticRegression();
        Assert.Equal(0.5, model.Predict([new Feature("service", "checkout")]));
    }

    [Fact]
    public void One_update_matches_the_hand_computed_FTRL_step()
    {
        // alpha 0.1, beta 1, no regularization. p = 0.5, g = -0.5 on bias and x;
        // sigma = sqrt(0.25) / 0.1 = 5, z = -0.5, n = 0.25, w = 0.5 / ((1 + 0.5) / 0.1) = 1/30.
        var model = new FtrlLogisticRegression(new FtrlOptions { Alpha = 0.1, Beta = 1, L1 = 0, L2 = 0, HashBits = 10 });
        Feature[] x = [new Feature("x", 1.0)];
        var before = model.Learn(x, label: true);
        Assert.Equal(0.5, before);
        Assert.Equal(1 / (1 + Math.Exp(-2.0 / 30)), model.Predict(x), 12);
        Assert.Equal(1 / (1 + Math.Exp(-1.0 / 30)), model.Predict([]), 12);
    }

    [Fact]
    public void L1_keeps_weights_at_zero_until_the_evidence_exceeds_it()
    {
        var model = new FtrlLogisticRegression(new FtrlOptions { L1 = 1, L2 = 0 });
        Feature[] x = [new Feature("x", 1.0)];
        model.Learn(x, label: true); // |z| = 0.5 <= 1: weight stays 0
        Assert.Equal(0.5, model.Predict(x));
    }

    [Fact]
    public void Probabilities_are_calibrated_on_data_from_a_logistic_model()
    {
        var random = new Random(11);
        var model = new FtrlLogisticRegression(new FtrlOptions { Alpha = 0.1, L1 = 0.1, L2 = 0.1 });
        string[] services = ["checkout", "search", "payments", "auth", "catalog"];
        double[] serviceEffect = [0.8, -1.0, 1.5, -0.5, 0.0];
        var features = new Feature[3];

        double TrueProbability(int service, double size, double hour) =>
            1 / (1 + Math.Exp(-(-1.0 + serviceEffect[service] + (0.9 * size) - (0.6 * hour))));

        for (var i = 0; i < 60_000; i++)
        {
            var (service, size, hour) = (random.Next(5), (random.NextDouble() * 4) - 2, (random.NextDouble() * 2) - 1);
            features[0] = new Feature("service", services[service]);
            features[1] = new Feature("size", size);
            features[2] = new Feature("hour", hour);
            model.Learn(features, random.NextDouble() < TrueProbability(service, size, hour));
        }

        // Expected calibration error over ten bins on fresh data, against sampled labels.
        var binSum = new double[10];
        var binLabels = new double[10];
        var binCount = new int[10];
        var absoluteError = 0.0;
        const int Test = 20_000;
        for (var i = 0; i < Test; i++)
        {
            var (service, size, hour) = (random.Next(5), (random.NextDouble() * 4) - 2, (random.NextDouble() * 2) - 1);
            features[0] = new Feature("service", services[service]);
            features[1] = new Feature("size", size);
            features[2] = new Feature("hour", hour);
            var p = model.Predict(features);
            var truth = TrueProbability(service, size, hour);
            absoluteError += Math.Abs(p - truth);
            var bin = Math.Min(9, (int)(p * 10));
            binSum[bin] += p;
            binLabels[bin] += random.NextDouble() < truth ? 1 : 0;
            binCount[bin]++;
        }

        var ece = 0.0;
        for (var b = 0; b < 10; b++)
        {
            if (binCount[b] > 0)
            {
                ece += Math.Abs(binSum[b] - binLabels[b]) / Test;
            }
        }

        Assert.True(ece < 0.02, $"expected calibration error {ece:F4}");
        Assert.True(absoluteError / Test < 0.03, $"mean |p - true p| {absoluteError / Test:F4}");
        var quality = model.Quality;
        Assert.Equal(60_000, quality.Examples);
        Assert.InRange(quality.LogLoss, 0.3, 0.6);
        Assert.True(quality.CalibrationError < 0.02, $"progressive calibration error {quality.CalibrationError:F4}");
    }

    [Fact]
    public void Predict_allocates_nothing()
    {
        var model = new FtrlLogisticRegression();
        var features = new Feature[50];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = i % 2 == 0 ? new Feature("f" + i, i * 0.1) : new Feature("c" + i, "v" + i);
        }

        model.Learn(features, true);
        var warm = 0.0;
        for (var i = 0; i < 5000; i++)
        {
            warm += model.Predict(features);
        }

        // The least of three runs: a Predict that allocates would do so in every run.
        var least = long.MaxValue;
        var sum = 0.0;
        for (var run = 0; run < 3; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                sum += model.Predict(features);
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
        Assert.True(sum > 5000 && warm > 2500);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Non_finite_feature_is_rejected_by_name_and_leaves_the_model_unchanged(double bad)
    {
        var model = new FtrlLogisticRegression();
        Feature[] good = [new Feature("a", 1.0)];
        model.Learn(good, true);
        var before = model.Predict(good);
        var error = Assert.Throws<ArgumentException>(() => model.Learn([new Feature("a", 1.0), new Feature("latency", bad)], false));
        Assert.Contains("'latency'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Predict([new Feature("latency", bad)]));
        Assert.Equal(before, model.Predict(good));
        Assert.Equal(1, model.ExamplesSeen);
    }

    [Fact]
    public void Serialization_round_trip_keeps_predictions_and_corrupt_bytes_fail_clearly()
    {
        var model = new FtrlLogisticRegression(new FtrlOptions { HashBits = 12 });
        var random = new Random(3);
        for (var i = 0; i < 500; i++)
        {
            var x = random.NextDouble();
            model.Learn([new Feature("x", x), new Feature("s", x > 0.5 ? "hi" : "lo")], x > 0.6);
        }

        var bytes = model.Serialize();
        var copy = FtrlLogisticRegression.Deserialize(bytes);
        Feature[] probe = [new Feature("x", 0.7), new Feature("s", "hi")];
        Assert.Equal(model.Predict(probe), copy.Predict(probe));
        Assert.Equal(model.Quality, copy.Quality);

        Assert.Throws<InvalidDataException>(() => FtrlLogisticRegression.Deserialize(bytes.AsSpan(0, bytes.Length - 3)));
        Assert.Throws<InvalidDataException>(() => FtrlLogisticRegression.Deserialize([1, 2, 3]));
    }

    [Fact]
    public async Task Readers_see_valid_probabilities_while_one_writer_learns()
    {
        var model = new FtrlLogisticRegression(new FtrlOptions { HashBits = 10 });
        using var stop = new CancellationTokenSource();
        var invalid = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            Feature[] probe = [new Feature("x", 1.0), new Feature("c", "a")];
            while (!stop.IsCancellationRequested)
            {
                var p = model.Predict(probe);
                if (!(p > 0 && p < 1))
                {
                    Interlocked.Increment(ref invalid);
                }
            }
        })).ToArray();

        for (var i = 0; i < 20_000; i++)
        {
            model.Learn([new Feature("x", 1.0), new Feature("c", i % 3 == 0 ? "a" : "b")], i % 3 == 0);
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Equal(0, invalid);
        Assert.True(model.Predict([new Feature("x", 1.0), new Feature("c", "a")]) > model.Predict([new Feature("x", 1.0), new Feature("c", "b")]));
    }
}
