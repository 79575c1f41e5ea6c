using Code.Learning.Statistics;

namespace Code.Learning.Anomalies;

/// <summary>Argument checks shared by the detectors.</summary>
internal static class AnomalyGuard
{
    public static void Finite(double value, string name)
    {
        if (!ValueBounds.Accepts(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"A metric value must be a finite number within ±{ValueBounds.MaxMagnitude:G}; drop or impute missing samples before scoring.");
        }
    }

    public static void Positive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than 0.");
        }
    }
}
