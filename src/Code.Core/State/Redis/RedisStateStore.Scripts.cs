namespace Code.Core.State.Redis;

/// <content>The Lua scripts the store runs on the server.</content>
internal sealed partial class RedisStateStore
{
    /// <summary>
    /// One write: checks the version, takes the next revision, writes or deletes the value, updates the index,
    /// appends the change to the log, and trims the log's oldest changes while it holds more than ARGV[5]
    /// changes or ARGV[6] bytes (always keeping the newest). The log's byte count is kept in KEYS[5]; when it
    /// is missing (a log written before it was kept) it is counted once from the log itself.
    /// </summary>
    private const string WriteScript = """
        local current = redis.call('HGET', KEYS[2], 'n')
        local version = 0
        if current then version = tonumber(current) end
        local expected = tonumber(ARGV[1])
        if expected ~= -1 and expected ~= version then return {0, version} end
        local delete = ARGV[2] == 'D'
        if delete and version == 0 then return {0, 0} end
        local revision = redis.call('INCR', KEYS[1])
        local change
        if delete then
          redis.call('DEL', KEYS[2])
          redis.call('ZREM', KEYS[3], ARGV[4])
          change = tostring(revision) .. ':' .. tostring(string.len(ARGV[4])) .. ':' .. ARGV[4] .. 'D'
        else
          redis.call('HSET', KEYS[2], 'v', ARGV[3], 'n', tostring(revision))
          redis.call('ZADD', KEYS[3], 0, ARGV[4])
          change = tostring(revision) .. ':' .. tostring(string.len(ARGV[4])) .. ':' .. ARGV[4] .. 'P' .. ARGV[3]
        end
        redis.call('ZADD', KEYS[4], revision, change)
        local count = redis.call('ZCARD', KEYS[4])
        local held = redis.call('GET', KEYS[5])
        local bytes
        if count == 1 then
          bytes = string.len(change)
        elseif held then
          bytes = tonumber(held) + string.len(change)
        else
          bytes = 0
          for start = 0, count - 1, 100 do
            for _, member in ipairs(redis.call('ZRANGE', KEYS[4], start, start + 99)) do
              bytes = bytes + string.len(member)
            end
          end
        end
        local capacity = tonumber(ARGV[5])
        local maxBytes = tonumber(ARGV[6])
        while count > 1 and (count > capacity or bytes > maxBytes) do
          local oldest = redis.call('ZRANGE', KEYS[4], 0, 0)
          bytes = bytes - string.len(oldest[1])
          redis.call('ZREMRANGEBYRANK', KEYS[4], 0, 0)
          count = count - 1
        end
        redis.call('SET', KEYS[5], tostring(bytes))
        return {1, revision}
        """;

    /// <summary>Reads a record together with the server's clock (<c>TIME</c>: seconds, microseconds), in one step.</summary>
    private const string ReadWithTimeScript = """
        local now = redis.call('TIME')
        local record = redis.call('HMGET', KEYS[1], 'v', 'n')
        return {now[1], now[2], record[1], record[2]}
        """;

    /// <summary>Reads the value and version of each key.</summary>
    private const string ReadManyScript = """
        local values = {}
        for i, key in ipairs(KEYS) do
          values[i] = redis.call('HMGET', key, 'v', 'n')
        end
        return values
        """;

    /// <summary>Replaces a stored value with its re-encryption if it is still the bytes that were read; the version, index and change log stay.</summary>
    private const string ReencryptScript = """
        if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then
          redis.call('HSET', KEYS[1], 'v', ARGV[2])
          return 1
        end
        return 0
        """;
}
