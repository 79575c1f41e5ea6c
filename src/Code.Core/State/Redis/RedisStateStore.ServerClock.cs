using StackExchange.Redis;

namespace Code.Core.State.Redis;

/// <content>Leases on the server's clock: the record and <c>TIME</c> are read in one script.</content>
internal sealed partial class RedisStateStore
{
    async ValueTask<(StateEntry? Record, DateTimeOffset Now)> ISharedLeaseClock.ReadLeaseRecordAtServerTimeAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var result = (RedisResult[])(await _database.ScriptEvaluateAsync(ReadWithTimeScript, [DataKey(key)]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var now = ServerTime((long)result[0], (long)result[1]);
        return (ToEntry(key, [(RedisValue)result[2], (RedisValue)result[3]]), now);
    }

    /// <summary>Reads the server's clock (<c>TIME</c>, from a script as the leases do).</summary>
    internal async Task<DateTimeOffset> ReadServerTimeAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var result = (RedisResult[])(await _database.ScriptEvaluateAsync("return redis.call('TIME')").WaitAsync(cancellationToken).ConfigureAwait(false))!;
        return ServerTime((long)result[0], (long)result[1]);
    }

    private static DateTimeOffset ServerTime(long seconds, long microseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((seconds * 1000) + (microseconds / 1000));
}
