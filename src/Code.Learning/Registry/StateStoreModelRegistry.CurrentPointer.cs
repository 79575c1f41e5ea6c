using System.Buffers.Binary;
using Code.Core.State;

namespace Code.Learning.Registry;

/// <content>
/// The current pointer: which version is current and how many rollbacks happened, changed only by
/// compare-and-swap, so that a rollback is never undone by a save that began before it.
/// </content>
internal sealed partial class StateStoreModelRegistry
{
    public async ValueTask<ModelVersionInfo> RollbackAsync(string modelId, long version, CancellationToken cancellationToken = default)
    {
        ValidateId(modelId);
        var pointer = await ReadCurrentAsync(modelId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No model '{modelId}' is stored in the registry.");
        var model = await ReadVersionAsync(modelId, version, cancellationToken).ConfigureAwait(false);

        // Compare-and-swap, counting the rollback: saves that began before it can no longer become current.
        while (true)
        {
            var result = await _store.CompareAndSwapAsync(CurrentKey(modelId), pointer.StateVersion, Pointer(version, pointer.Rollbacks + 1), cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return model.Info with { IsCurrent = true };
            }

            pointer = await ReadCurrentAsync(modelId, cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"Model '{modelId}' lost its current version during the rollback.");
        }
    }

    /// <summary>
    /// Makes an unconditional save current unless a newer save already is, or a rollback happened since the
    /// save read the pointer (then the save is kept but not current). Returns whether it became current.
    /// </summary>
    private async ValueTask<bool> AdvanceCurrentAsync(string modelId, long version, long rollbacksAtStart, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pointer = await ReadCurrentAsync(modelId, cancellationToken).ConfigureAwait(false);
            if (pointer is { } p && (p.Rollbacks != rollbacksAtStart || p.Version >= version))
            {
                return false;
            }

            var result = await _store.CompareAndSwapAsync(CurrentKey(modelId), pointer?.StateVersion ?? StateVersion.Absent, Pointer(version, rollbacksAtStart), cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return true;
            }
        }
    }

    /// <summary>Makes a conditional save current if the pointer is still what the save found and that is the expected version.</summary>
    private async ValueTask<bool> ReplaceCurrentAsync(string modelId, long version, CurrentPointer? before, long? expected, CancellationToken cancellationToken)
    {
        if (before?.Version != expected)
        {
            return false;
        }

        var result = await _store.CompareAndSwapAsync(CurrentKey(modelId), before?.StateVersion ?? StateVersion.Absent, Pointer(version, before?.Rollbacks ?? 0), cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    private async ValueTask<CurrentPointer?> ReadCurrentAsync(string modelId, CancellationToken cancellationToken)
    {
        var entry = await _store.GetAsync(CurrentKey(modelId), cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        var span = entry.Value.Span;
        return span.Length switch
        {
            8 => new CurrentPointer(BinaryPrimitives.ReadInt64LittleEndian(span), 0, entry.Version),
            16 => new CurrentPointer(BinaryPrimitives.ReadInt64LittleEndian(span), BinaryPrimitives.ReadInt64LittleEndian(span[8..]), entry.Version),
            _ => throw new ModelCorruptedException($"State key '{entry.Key}' should hold the current version and the rollback count (16 bytes), not {span.Length} bytes."),
        };
    }

    private static byte[] Pointer(long version, long rollbacks)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, version);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), rollbacks);
        return bytes;
    }

    /// <summary>The current pointer: the version, the rollbacks so far and the state version of the key (for compare-and-swap).</summary>
    private readonly record struct CurrentPointer(long Version, long Rollbacks, long StateVersion);
}
