using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Code.Learning.Supervised;

/// <summary>
/// Maps features to weight-table slots with XXH3 (64-bit) over the UTF-16 code units of the name, then of
/// the category seeded by the name's hash; allocation-free and vectorized.
/// </summary>
internal static class FeatureHasher
{
    /// <summary>The largest feature magnitude accepted: its square, times any example weight, stays far from overflowing.</summary>
    public const double MaxValue = 1e9;

    private const long CategorySeedSalt = unchecked((long)0x9E3779B97F4A7C15UL);

    /// <summary>Hashes a feature's name and category.</summary>
    public static ulong Hash(in Feature feature)
    {
        var hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(feature.Name.AsSpan()));
        if (feature.Category is not null)
        {
            hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(feature.Category.AsSpan()), unchecked((long)hash ^ CategorySeedSalt));
        }

        return hash;
    }

    /// <summary>Validates a feature and returns its slot in a table of <c>mask + 1</c> weights.</summary>
    public static int Slot(in Feature feature, int mask)
    {
        if (feature.Name is null)
        {
            throw new ArgumentException("A feature has no name; every feature needs a non-null name.");
        }

        if (!(Math.Abs(feature.Value) <= MaxValue))
        {
            throw new ArgumentException($"Feature '{feature.Name}' has the value {feature.Value}; features must be finite numbers within ±{MaxValue:G} (scale them, for example to [-10, 10]).");
        }

        return (int)(Hash(feature) & (ulong)mask);
    }
}
