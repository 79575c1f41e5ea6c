using Code.Learning.Adaptation;
using Xunit.Abstractions;

namespace Code.Learning.Tests.Adaptation;

public class AbTestTests(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public void Assignment_is_sticky_and_follows_the_weights()
    {
        var test = new AbTest("rollout-speed", [new AbVariant("control", 3), new AbVariant("fast", 1)]);
        var again = new AbTest("rollout-speed", [new AbVariant("control", 3), new AbVariant("fast", 1)]);
        var fast = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var unit = "host-" + i;
            var variant = test.Assign(unit);
            Assert.Equal(variant, again.Assign(unit));
            fast += variant == "fast" ? 1 : 0;
        }

        Assert.InRange(fast / 20_000.0, 0.24, 0.26);
    }

    [Fact]
    public void Sequential_p_value_matches_the_hand_computed_mixture_likelihood_ratio()
    {
        // Control 50/100, variant 70/100, first evaluated when both reach 100: V = (0.252525 + 0.212121) / 100
        // = 0.0046465, pooled variance 0.232323, tau^2 = 0.1^2 * 0.232323, rho = tau^2 / V = 0.5,
        // z^2 = 0.04 / V = 8.608696, log Lambda = z^2 rho / (2 (1 + rho)) - ln(1 + rho) / 2 = 1.232050,
        // p = exp(-1.232050) = 0.2916940. (The fixed-sample z-test would say p = 0.0033.)
        var test = new AbTest("t", [new AbVariant("a"), new AbVariant("b")], new AbTestOptions { MinimumSamplesPerVariant = 100 });
        for (var i = 0; i < 100; i++)
        {
            test.Record("a", i < 50 ? 1 : 0);
            Assert.True(double.IsNaN(test.Evaluate().Comparisons[0].PValue)); // not before both have the minimum
            test.Record("b", i < 70 ? 1 : 0);
        }

        var result = test.Evaluate();
        var comparison = Assert.Single(result.Comparisons);
        Assert.Equal(0.2, comparison.Difference, 12);
        Assert.Equal(0.4, comparison.RelativeLift, 12);
        Assert.Equal(0.2916940, comparison.PValue, 6);
        Assert.Equal(AbTestStatus.Running, result.Status);

        // Four times the samples with the same rates: p = 1.64e-5, significant, and it stays significant.
        for (var i = 0; i < 300; i++)
        {
            test.Record("a", i % 2 == 0 ? 1 : 0);
            test.Record("b", i % 10 < 7 ? 1 : 0);
        }

        result = test.Evaluate();
        Assert.Equal(AbTestStatus.Significant, result.Status);
        Assert.Equal("b", result.Winner);
        Assert.InRange(result.Comparisons[0].PValue, 1e-6, 1.7e-5);
        for (var i = 0; i < 100; i++)
        {
            test.Record("b", 0);
        }

        Assert.Equal(AbTestStatus.Significant, test.Evaluate().Status);
    }

    [Fact]
    public void The_sequential_test_still_finds_a_real_difference()
    {
        // 30 % against 36 % (a standardized effect of 0.13), checked after every pair of samples.
        var random = new Random(20261202);
        var found = 0;
        var samples = new List<int>();
        for (var e = 0; e < 100; e++)
        {
            var test = new AbTest("ab-" + e, [new AbVariant("a"), new AbVariant("b")], new AbTestOptions { MaximumSamplesPerVariant = 5000 });
            for (var i = 0; i < 5000; i++)
            {
                test.Record("a", random.NextDouble() < 0.30 ? 1 : 0);
                test.Record("b", random.NextDouble() < 0.36 ? 1 : 0);
                var result = test.Evaluate();
                if (result.Status == AbTestStatus.Significant)
                {
                    found += result.Winner == "b" ? 1 : 0;
                    samples.Add(i + 1);
                    break;
                }
            }
        }

        _output.WriteLine($"found in {found} of 100 tests; samples per variant: median {samples.Order().ElementAt(samples.Count / 2)}, max {samples.Max()}");
        Assert.True(found >= 90, $"found the difference in {found} of 100 tests");
        Assert.Equal(found, samples.Count); // never the wrong winner
    }

    [Fact]
    public void Stop_rule_waits_for_the_minimum_and_ends_without_difference_at_the_maximum()
    {
        var options = new AbTestOptions { MinimumSamplesPerVariant = 200, MaximumSamplesPerVariant = 2000 };
        var test = new AbTest("t", [new AbVariant("a"), new AbVariant("b"), new AbVariant("c")], options);
        var random = new Random(5);
        for (var i = 0; i < 100; i++)
        {
            test.Record("a", 0);
            test.Record("b", 1); // huge effect, but too few samples yet
            test.Record("c", 0);
        }

        Assert.Equal(AbTestStatus.Running, test.Evaluate().Status);

        var same = new AbTest("same", [new AbVariant("a"), new AbVariant("b")], options);
        for (var i = 0; i < 2000; i++)
        {
            same.Record("a", random.NextDouble() < 0.3 ? 1 : 0);
            same.Record("b", random.NextDouble() < 0.3 ? 1 : 0);
        }

        var result = same.Evaluate();
        Assert.Equal(AbTestStatus.NoDifference, result.Status);
        Assert.Null(result.Winner);
    }

    [Theory]
    [InlineData(1000, 1000, 1)]
    [InlineData(10_000, 600, 10)]
    public void Checking_after_every_sample_keeps_the_false_positive_rate_below_alpha(int horizon, int experiments, int checkEvery)
    {
        // A/A tests (both variants convert at 30 %), evaluated after every (or every 10th) pair of samples up
        // to the horizon per variant. A fixed-sample z-test checked this way declares a winner in about a
        // third of them (horizon 1000) or nearly half of them (horizon 10,000). The sequential p-value
        // folds in every sample whenever it is evaluated. (In 20,000 and 4,000 runs of the same simulation
        // the rates were 1.3 % and 3.2 %; these smaller runs keep the test to a few seconds.)
        var random = new Random(20261201 + horizon);
        var falsePositives = 0;
        for (var e = 0; e < experiments; e++)
        {
            var test = new AbTest("aa-" + e, [new AbVariant("a"), new AbVariant("b")], new AbTestOptions { MaximumSamplesPerVariant = horizon });
            for (var i = 0; i < horizon; i++)
            {
                test.Record("a", random.NextDouble() < 0.3 ? 1 : 0);
                test.Record("b", random.NextDouble() < 0.3 ? 1 : 0);
                if ((i + 1) % checkEvery == 0 && test.Evaluate().Status == AbTestStatus.Significant)
                {
                    falsePositives++;
                    break;
                }
            }
        }

        _output.WriteLine($"horizon {horizon}: {falsePositives} of {experiments} A/A tests declared a winner ({100.0 * falsePositives / experiments:F1} %)");
        Assert.True(falsePositives <= 0.05 * experiments, $"{falsePositives} of {experiments} A/A tests declared a winner");
    }

    [Fact]
    public void Bad_input_fails_clearly()
    {
        var test = new AbTest("t", [new AbVariant("a"), new AbVariant("b")]);
        var unknown = Assert.Throws<ArgumentException>(() => test.Record("z", 1));
        Assert.Contains("no variant 'z'", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Record("a", double.NaN));
        Assert.Throws<ArgumentException>(() => new AbTest("t", [new AbVariant("a")]));
        Assert.Throws<ArgumentException>(() => new AbTest("t", [new AbVariant("a"), new AbVariant("a")]));
        Assert.Throws<ArgumentException>(() => new AbTest("t", [new AbVariant("a"), new AbVariant("b", 0)]));
    }
}
