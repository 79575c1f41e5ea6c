namespace Code.Learning.Tests.CanaryJudge;

/// <summary>Seeded normal samples for judge tests.</summary>
internal static class CanaryData
{
    public static double[] Normal(Random random, int count, double mean, double deviation)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = mean + (deviation * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }
}
