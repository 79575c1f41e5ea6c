using System.Collections.Concurrent;
using System.Numerics;

namespace Code.Core.State.Faster;

/// <summary>
/// The FASTER sessions of readers. A FASTER session must never be used by two threads at once, so a
/// reader takes one exclusively: from the slot of the processor it runs on (one interlocked exchange to
/// take it, one to put it back, no counter shared by all readers), else from an overflow pool, else a new
/// one. <see cref="Close"/> takes every session back the same way, so it waits for the reads in progress
/// and no read can ever use a disposed session.
/// </summary>
internal sealed class ReaderSessions
{
    /// <summary>Slots are 8 references (64 bytes) apart, so readers on different processors do not share a cache line.</summary>
    private const int SlotStride = 8;

    private readonly Session?[] _slots;
    private readonly int _slotMask;
    private readonly ConcurrentBag<Session> _overflow = [];
    private readonly Lock _gate = new();
    private int _created;

    /// <summary>Creates the cache with one slot per processor (rounded up to a power of two).</summary>
    public ReaderSessions()
    {
        var slots = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, Environment.ProcessorCount));
        _slotMask = slots - 1;
        _slots = new Session?[slots * SlotStride];
    }

    /// <summary>Gets the number of processor slots.</summary>
    public int SlotCount => _slotMask + 1;

    /// <summary>
    /// Gets how many sessions exist (taken or parked). A session is made only when the reader's slot and
    /// the pool are empty, so there are never more than concurrent readers + <see cref="SlotCount"/>.
    /// </summary>
    public int Count => Volatile.Read(ref _created);

    /// <summary>Takes a session for the calling thread's exclusive use until <see cref="Return"/>.</summary>
    /// <param name="create">Makes a new session, or returns null when the store is closed; called under the gate that <see cref="Close"/> holds.</param>
    /// <param name="slot">Where to return the session.</param>
    /// <returns>The session, or null when none is parked and <paramref name="create"/> returned null.</returns>
    public Session? Take(Func<Session?> create, out int slot)
    {
        slot = (Thread.GetCurrentProcessorId() & _slotMask) * SlotStride;
        var session = Interlocked.Exchange(ref _slots[slot], null);
        if (session is not null || _overflow.TryTake(out session))
        {
            return session;
        }

        lock (_gate)
        {
            session = create();
            if (session is not null)
            {
                _created++;
            }

            return session;
        }
    }

    /// <summary>Parks a session taken with <see cref="Take"/>; the caller must not use it afterwards.</summary>
    public void Return(Session session, int slot)
    {
        if (Interlocked.CompareExchange(ref _slots[slot], session, null) is not null)
        {
            _overflow.Add(session);
        }
    }

    /// <summary>
    /// Takes back every session, waiting for the readers that hold one, and disposes them. The caller must
    /// first make sure that new readers give a session back at once (the store is marked closed before
    /// this), and that <c>create</c> returns null from now on; readers may then still take and return
    /// parked sessions while this runs, never use them.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            // Under the gate no session is created, so the count is final. Taking (not counting) is exact:
            // a session moving between a slot and the pool while this runs is taken once.
            var taken = new List<Session>(_created);
            var wait = default(SpinWait);
            while (taken.Count < _created)
            {
                for (var i = 0; i < _slots.Length; i += SlotStride)
                {
                    if (Interlocked.Exchange(ref _slots[i], null) is { } parked)
                    {
                        taken.Add(parked);
                    }
                }

                while (_overflow.TryTake(out var pooled))
                {
                    taken.Add(pooled);
                }

                if (taken.Count < _created)
                {
                    wait.SpinOnce();
                }
            }

            foreach (var session in taken)
            {
                session.Dispose();
            }

            _created = 0;
        }
    }
}
