namespace Code.Deploy.Specs;

/// <summary>
/// The bounds a spec document and a spec must keep. A document beyond them is refused with an error
/// naming the limit, before it can take unbounded time or memory.
/// </summary>
public static class SpecLimits
{
    /// <summary>The largest document read, in bytes (1 MiB).</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>The deepest nesting of mappings and sequences in a document.</summary>
    public const int MaxDepth = 32;

    /// <summary>The most nodes (mappings, sequences, scalars) a document may hold, counting each use of a YAML alias as a copy of its anchor.</summary>
    public const int MaxNodes = 20_000;

    /// <summary>The longest string value, in characters.</summary>
    public const int MaxStringLength = 8192;

    /// <summary>The longest success or failure condition, in characters.</summary>
    public const int MaxConditionLength = 2048;

    /// <summary>The most replicas of a revision.</summary>
    public const int MaxReplicas = 10_000;

    /// <summary>The most items of any list in a spec (steps, templates, metrics, gates, webhooks, env, args, header matches).</summary>
    public const int MaxListItems = 256;

    /// <summary>The longest duration accepted anywhere in a spec (30 days).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    /// <summary>The number of problems after which reading and validation stop adding more (the last one says so).</summary>
    public const int MaxErrors = 100;
}
