using Code.Core.Persistence.Protos;
using Google.Protobuf;

namespace Code.Core.State;

/// <summary>The raw record operations a store offers its <see cref="StateLeaseCoordinator"/>; they bypass the reserved-key rule.</summary>
internal interface ILeaseRecordStore
{
    /// <summary>Reads a lease record.</summary>
    ValueTask<StateEntry?> ReadLeaseRecordAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes (or, with a <see langword="null"/> value, deletes) a lease record if its version is <paramref name="expectedVersion"/>.</summary>
    ValueTask<StateWriteResult> SwapLeaseRecordAsync(string key, long expectedVersion, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken);
}

/// <summary>
/// A store that many hosts share, whose leases expire by the server's clock rather than each host's, so that
/// clock skew between hosts cannot make a lease look expired to one host while its holder still has it.
/// </summary>
internal interface ISharedLeaseClock
{
    /// <summary>Reads a lease record and the server's current time in one step.</summary>
    ValueTask<(StateEntry? Record, DateTimeOffset Now)> ReadLeaseRecordAtServerTimeAsync(string key, CancellationToken cancellationToken);
}

/// <summary>
/// Leases with fencing tokens, built once on any store's compare-and-swap. A lease is a
/// <see cref="LeaseRecord"/> under <c>$lease/&lt;name&gt;</c>; it is taken with a CAS on the record's
/// version, and its fencing token is the store revision of the write that took it, so every new
/// holder gets a larger token than all before, also after a restart (the revision is durable).
/// Expiry is decided on the injected <see cref="TimeProvider"/>, or, for a store shared by hosts
/// (<see cref="ISharedLeaseClock"/>), on the server's clock read together with the record.
/// </summary>
internal sealed class StateLeaseCoordinator(ILeaseRecordStore records, StateLimits limits, TimeProvider timeProvider)
{
    private const int MaxOwnerLength = 1024;
    private static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(365);

    public async ValueTask<StateLease?> TryAcquireAsync(string name, string owner, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var key = KeyOf(name);
        ValidateOwner(owner);
        ValidateTimeToLive(timeToLive);

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (current, now) = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is not null)
            {
                var held = Parse(current);
                if (held.Owner != owner && DateTimeOffset.FromUnixTimeMilliseconds(held.ExpiresAtUnixMs) > now)
                {
                    return null;
                }
            }

            var expiresAt = now + timeToLive;
            var record = new LeaseRecord { Owner = owner, FencingToken = 0, ExpiresAtUnixMs = expiresAt.ToUnixTimeMilliseconds() };
            var result = await records.SwapLeaseRecordAsync(key, current?.Version ?? StateVersion.Absent, record.ToByteArray(), cancellationToken)
                .ConfigureAwait(false);
            if (result.Succeeded)
            {
                return new StateLease(name, owner, result.Version, DateTimeOffset.FromUnixTimeMilliseconds(record.ExpiresAtUnixMs));
            }

            // Someone changed the record between our read and our write: look again.
        }
    }

    public async ValueTask<StateLease?> RenewAsync(StateLease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ValidateTimeToLive(timeToLive);
        var key = KeyOf(lease.Name);

        var (current, now) = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (!IsHeldBy(current, lease, now, out _))
        {
            return null;
        }

        var expiresAt = now + timeToLive;
        var record = new LeaseRecord { Owner = lease.Owner, FencingToken = lease.FencingToken, ExpiresAtUnixMs = expiresAt.ToUnixTimeMilliseconds() };
        var result = await records.SwapLeaseRecordAsync(key, current!.Version, record.ToByteArray(), cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? lease with { ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(record.ExpiresAtUnixMs) }
            : null;
    }

    public async ValueTask<bool> ReleaseAsync(StateLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var key = KeyOf(lease.Name);

        var (current, now) = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (!IsHeldBy(current, lease, now, out _))
        {
            return false;
        }

        var result = await records.SwapLeaseRecordAsync(key, current!.Version, null, cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary>Reads a lease record and the time its expiry is judged at: the server's for a shared store, else the injected clock's.</summary>
    private async ValueTask<(StateEntry? Record, DateTimeOffset Now)> ReadAsync(string key, CancellationToken cancellationToken)
    {
        if (records is ISharedLeaseClock shared)
        {
            return await shared.ReadLeaseRecordAtServerTimeAsync(key, cancellationToken).ConfigureAwait(false);
        }

        var now = timeProvider.GetUtcNow();
        return (await records.ReadLeaseRecordAsync(key, cancellationToken).ConfigureAwait(false), now);
    }

    private static bool IsHeldBy(StateEntry? current, StateLease lease, DateTimeOffset now, out LeaseRecord held)
    {
        held = current is null ? new LeaseRecord() : Parse(current);
        return current is not null
            && held.Owner == lease.Owner
            && TokenOf(held, current) == lease.FencingToken
            && DateTimeOffset.FromUnixTimeMilliseconds(held.ExpiresAtUnixMs) > now;
    }

    private static long TokenOf(LeaseRecord record, StateEntry entry) => record.FencingToken == 0 ? entry.Version : record.FencingToken;

    private static LeaseRecord Parse(StateEntry entry)
    {
        try
        {
            return LeaseRecord.Parser.ParseFrom(entry.Value.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"The lease record '{entry.Key}' is not a valid lease record.", e);
        }
    }

    private static void ValidateOwner(string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (owner.Length > MaxOwnerLength)
        {
            throw new ArgumentException($"A lease owner is at most {MaxOwnerLength} characters.", nameof(owner));
        }
    }

    private static void ValidateTimeToLive(TimeSpan timeToLive)
    {
        if (timeToLive < TimeSpan.FromMilliseconds(1) || timeToLive > MaxTimeToLive)
        {
            throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive, "A lease lasts from 1 ms to 365 days.");
        }
    }

    private string KeyOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var key = StateLimits.ReservedPrefix + name;
        limits.ValidateKeyShape(key, nameof(name));
        return key;
    }
}
