using System.Text;
using StackExchange.Redis;

namespace Code.Core.State.Redis;

/// <content>The re-encryption pass: rewrites stored values not under the current key id, in place.</content>
internal sealed partial class RedisStateStore
{
    async ValueTask<long> IStoredValueReencryption.ReencryptStoredValuesAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (!_codec.Encrypts)
        {
            return 0;
        }

        long rewritten = 0;
        RedisValue after = Array.Empty<byte>();
        var exclude = Exclude.None;
        while (true)
        {
            var page = await _database.SortedSetRangeByValueAsync(_indexKey, after, default, exclude, Order.Ascending, 0, ScanChunk)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (page.Length == 0)
            {
                return rewritten;
            }

            var keys = page.Select(k => Encoding.UTF8.GetString((byte[])k!)).ToList();
            var values = (RedisResult[])(await _database.ScriptEvaluateAsync(ReadManyScript, keys.Select(DataKey).ToArray())
                .WaitAsync(cancellationToken).ConfigureAwait(false))!;
            for (var i = 0; i < keys.Count; i++)
            {
                var stored = (byte[]?)((RedisValue[])values[i]!)[0];
                if (stored is null || !_codec.NeedsReencryption(stored))
                {
                    continue;
                }

                var fresh = _codec.Encode(keys[i], _codec.Decode(keys[i], stored).Span);
                var swapped = await _database.ScriptEvaluateAsync(ReencryptScript, [DataKey(keys[i])], [stored, fresh])
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                rewritten += (long)swapped;
            }

            after = page[^1];
            exclude = Exclude.Start;
        }
    }
}
