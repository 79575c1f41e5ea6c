namespace Code.Core.State;

/// <summary>A key, its value and its version, as read from an <see cref="IStateStore"/>.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value. The store does not reuse this memory.</param>
/// <param name="Version">The revision of the key's last write; greater than 0.</param>
public sealed record StateEntry(string Key, ReadOnlyMemory<byte> Value, long Version);

/// <summary>The outcome of a conditional write.</summary>
/// <param name="Succeeded">Whether the write was applied.</param>
/// <param name="Version">The key's version after the call: the new version on success, the current one (0 when absent) otherwise.</param>
public readonly record struct StateWriteResult(bool Succeeded, long Version);

/// <summary>One page of a prefix scan.</summary>
/// <param name="Entries">The entries, in ordinal key order.</param>
/// <param name="ContinuationKey">Pass as <c>startAfter</c> to read the next page; <see langword="null"/> when this is the last page.</param>
public sealed record StatePage(IReadOnlyList<StateEntry> Entries, string? ContinuationKey);

/// <summary>What a change did to a key.</summary>
public enum StateChangeKind
{
    /// <summary>The key was created or overwritten.</summary>
    Put,

    /// <summary>The key was deleted.</summary>
    Delete,
}

/// <summary>One change seen by <see cref="IStateStore.WatchAsync"/>.</summary>
/// <param name="Revision">The store revision of the change; equals the key's new version for a put.</param>
/// <param name="Kind">Put or delete.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The new value for a put; empty for a delete.</param>
public sealed record StateChange(long Revision, StateChangeKind Kind, string Key, ReadOnlyMemory<byte> Value);

/// <summary>A lease held in an <see cref="IStateStore"/>.</summary>
/// <param name="Name">The lease name.</param>
/// <param name="Owner">The holder.</param>
/// <param name="FencingToken">
/// A number that grows every time the lease changes hands; pass it with every action taken under the
/// lease so that a resource can refuse a stale holder.
/// </param>
/// <param name="ExpiresAt">
/// When the lease lapses unless renewed, on the store's lease clock: the injected <see cref="TimeProvider"/>
/// for the embedded stores, the server's clock for a Redis/Garnet store shared by hosts.
/// </param>
public sealed record StateLease(string Name, string Owner, long FencingToken, DateTimeOffset ExpiresAt);

/// <summary>Special version and revision numbers.</summary>
public static class StateVersion
{
    /// <summary>Version of an absent key; as an expected version, "create only".</summary>
    public const long Absent = 0;

    /// <summary>As an expected version of a delete: whatever version is there.</summary>
    public const long Any = -1;

    /// <summary>As the start of a watch: only changes made after the watch begins.</summary>
    public const long Latest = -1;
}
