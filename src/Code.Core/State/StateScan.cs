namespace Code.Core.State;

/// <summary>Walks an ordinal-sorted key set for a prefix scan page.</summary>
internal static class StateScan
{
    /// <summary>Yields, in ordinal order, the keys that start with <paramref name="prefix"/>, come after <paramref name="startAfter"/> and are not reserved.</summary>
    public static IEnumerable<string> KeysFrom(SortedSet<string> keys, string prefix, string? startAfter)
    {
        if (keys.Count == 0)
        {
            yield break;
        }

        var lower = startAfter is not null && string.CompareOrdinal(startAfter, prefix) > 0 ? startAfter : prefix;
        var max = keys.Max!;
        if (string.CompareOrdinal(lower, max) > 0)
        {
            yield break;
        }

        foreach (var key in keys.GetViewBetween(lower, max))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield break;
            }

            if ((startAfter is not null && string.CompareOrdinal(key, startAfter) <= 0) || StateLimits.IsReserved(key))
            {
                continue;
            }

            yield return key;
        }
    }
}
