namespace Code.Learning.Supervised;

/// <summary>Maps features to weight-table slots with 64-bit FNV-1a and a final avalanche mix; allocation-free.</summary>
internal static class FeatureHasher
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Hashes a feature's name and category.</summary>
    public static ulong Hash(in Feature feature)
    {
        var hash = Mix(feature.Name, OffsetBasis);
        if (feature.Category is not null)
        {
            hash ^= 0xFF;
            hash *= Prime;
            hash = Mix(feature.Category, hash);
        }

        // SplitMix64 finalizer: spreads FNV's weak low bits over the whole word before masking.
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return hash;
    }

    /// <summary>Validates a feature and returns its slot in a table of <c>mask + 1</c> weights.</summary>
    public static int Slot(in Feature feature, int mask)
    {
        if (feature.Name is null)
        {
            throw new ArgumentException("A feature has no name; every feature needs a non-null name.");
        }

        if (!double.IsFinite(feature.Value))
        {
            throw new ArgumentException($"Feature '{feature.Name}' has the value {feature.Value}; features must be finite numbers.");
        }

        return (int)(Hash(feature) & (ulong)mask);
    }

    private static ulong Mix(string text, ulong hash)
    {
        foreach (var c in text)
        {
            hash ^= (byte)c;
            hash *= Prime;
            hash ^= (byte)(c >> 8);
            hash *= Prime;
        }

        return hash;
    }
}
