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
/// Leases with fencing tokens, built once on any store's compare-and-swap. A lease is a
/// <see cref="LeaseRecord"/> under <c>$lease/&lt;name&gt;</c>; it is taken with a CAS on the record's
/// version, and its fencing token is the store revision of the write that took it, so every new
/// holder gets a larger token than all before, also after a restart (the revision is durable).
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
            var now = timeProvider.GetUtcNow();
            var current = await records.ReadLeaseRecordAsync(key, cancellationToken).ConfigureAwait(false);
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

        var now = timeProvider.GetUtcNow();
        var current = await records.ReadLeaseRecordAsync(key, cancellationToken).ConfigureAwait(false);
        if (!IsHeldBy(current, lease, now, out var held))
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

        var current = await records.ReadLeaseRecordAsync(key, cancellationToken).ConfigureAwait(false);
        if (!IsHeldBy(current, lease, timeProvider.GetUtcNow(), out _))
        {
            return false;
        }

        var result = await records.SwapLeaseRecordAsync(key, current!.Version, null, cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
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
