using Code.Learning.Adaptation;

namespace Code.Learning.Tests.Adaptation;

public class AbTestTests
{
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
    public void Welch_test_matches_the_hand_computed_p_value()
    {
        // Control 50/100, variant 70/100: se = sqrt(0.25/99 + 0.21/99) = 0.068165, z = 2.934058, p = 0.0033456.
        var test = new AbTest("t", [new AbVariant("a"), new AbVariant("b")], new AbTestOptions { MinimumSamplesPerVariant = 100 });
        for (var i = 0; i < 100; i++)
        {
            test.Record("a", i < 50 ? 1 : 0);
            test.Record("b", i < 70 ? 1 : 0);
        }

        var result = test.Evaluate();
        var comparison = Assert.Single(result.Comparisons);
        Assert.Equal(0.2, comparison.Difference, 12);
        Assert.Equal(0.4, comparison.RelativeLift, 12);
        Assert.Equal(0.0033456, comparison.PValue, 5);
        Assert.Equal(AbTestStatus.Significant, result.Status);
        Assert.Equal("b", result.Winner);
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
