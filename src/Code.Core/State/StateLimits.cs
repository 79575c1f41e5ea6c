using System.Globalization;
using System.Text;
using Code.Core.Configuration;

namespace Code.Core.State;

/// <summary>
/// The size limits every store enforces on keys, values and scans, and the key space the stores
/// reserve for themselves. Bad input is refused here, before anything is written.
/// </summary>
internal sealed class StateLimits
{
    /// <summary>Keys under this prefix hold lease records; callers may not write them directly, and scans and watches skip them.</summary>
    public const string ReservedPrefix = "$lease/";

    /// <summary>The largest page a scan may ask for.</summary>
    public const int MaxScanLimit = 10_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The default most value bytes one scan page returns: 64 MiB.</summary>
    public const long DefaultMaxScanBytes = 64L * 1024 * 1024;

    public StateLimits(int maxKeyBytes, int maxValueBytes, long maxScanBytes = DefaultMaxScanBytes, long maxHistoryBytes = CodeDefaults.WatchHistorySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeyBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxValueBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxScanBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHistoryBytes, 1);
        MaxKeyBytes = maxKeyBytes;
        MaxValueBytes = maxValueBytes;
        MaxScanBytes = maxScanBytes;
        MaxHistoryBytes = maxHistoryBytes;
    }

    public static StateLimits Default { get; } = new(CodeDefaults.MaxKeySize, CodeDefaults.MaxValueSize);

    public int MaxKeyBytes { get; }

    public int MaxValueBytes { get; }

    /// <summary>
    /// Gets the most value bytes one scan page returns: a page ends early (with a continuation key) once
    /// it holds this much, so a scan of many large values cannot exhaust memory. A page always holds at
    /// least one entry.
    /// </summary>
    public long MaxScanBytes { get; }

    /// <summary>
    /// Gets the most bytes of keys and values the watch history holds (<c>memory.watch_history_size</c>), and
    /// the most a watcher may have queued and unread. The newest change is always held, whatever its size.
    /// </summary>
    public long MaxHistoryBytes { get; }

    public static StateLimits From(MemoryOptions? memory) =>
        memory is null ? Default : new StateLimits(memory.MaxKeySize, memory.MaxValueSize, DefaultMaxScanBytes, memory.WatchHistorySize);

    /// <summary>The bytes a change counts against <see cref="MaxHistoryBytes"/> in memory: its key (UTF-16) and its value.</summary>
    public static long HistoryBytes(StateChange change) => ((long)change.Key.Length * sizeof(char)) + change.Value.Length;

    public static bool IsReserved(string key) => key.StartsWith(ReservedPrefix, StringComparison.Ordinal);

    /// <summary>Checks a key a caller passes in: non-empty, valid UTF-16 (so it has a UTF-8 form), within the size limit, not reserved.</summary>
    public void ValidateKey(string key, string parameterName = "key")
    {
        ValidateKeyShape(key, parameterName);
        if (IsReserved(key))
        {
            throw new ArgumentException($"State keys starting with '{ReservedPrefix}' are reserved for leases; use TryAcquireLeaseAsync.", parameterName);
        }
    }

    /// <summary>Checks a key without the reserved-prefix rule (for the stores' own lease records).</summary>
    public void ValidateKeyShape(string key, string parameterName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        if (key.Length == 0)
        {
            throw new ArgumentException("A state key must not be empty.", parameterName);
        }

        var bytes = Utf8Length(key, parameterName, "key");
        if (bytes > MaxKeyBytes)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The state key '{Shorten(key)}' is {bytes} UTF-8 bytes; the limit (memory.max_key_size) is {MaxKeyBytes}."),
                parameterName);
        }
    }

    /// <summary>Checks a value: non-empty and within the size limit.</summary>
    public void ValidateValue(string key, ReadOnlyMemory<byte> value, string parameterName = "value")
    {
        if (value.Length == 0)
        {
            throw new ArgumentException($"The value for state key '{Shorten(key)}' is empty; the store refuses empty values (delete the key instead).", parameterName);
        }

        if (value.Length > MaxValueBytes)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The value for state key '{Shorten(key)}' is {value.Length} bytes; the limit (memory.max_value_size) is {MaxValueBytes}."),
                parameterName);
        }
    }

    /// <summary>Checks a scan or watch prefix (may be empty).</summary>
    public void ValidatePrefix(string prefix, string parameterName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, parameterName);
        var bytes = Utf8Length(prefix, parameterName, "prefix");
        if (bytes > MaxKeyBytes)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The prefix is {bytes} UTF-8 bytes; no key is longer than {MaxKeyBytes} (memory.max_key_size)."),
                parameterName);
        }
    }

    /// <summary>Checks the arguments of a scan.</summary>
    public void ValidateScan(string prefix, string? startAfter, int limit)
    {
        ValidatePrefix(prefix);
        if (startAfter is not null)
        {
            ValidatePrefix(startAfter, nameof(startAfter));
        }

        if (limit is < 1 or > MaxScanLimit)
        {
            throw new ArgumentOutOfRangeException(
                nameof(limit), limit, string.Create(CultureInfo.InvariantCulture, $"A scan page holds 1 to {MaxScanLimit} entries."));
        }
    }

    public static void ValidateExpectedVersion(long expectedVersion, bool allowAny)
    {
        var min = allowAny ? StateVersion.Any : StateVersion.Absent;
        if (expectedVersion < min)
        {
            throw new ArgumentOutOfRangeException(
                nameof(expectedVersion),
                expectedVersion,
                allowAny
                    ? "The expected version is a version read from the store, 0 (absent) or StateVersion.Any."
                    : "The expected version is a version read from the store, or 0 to create the key.");
        }
    }

    public static void ValidateAfterRevision(long afterRevision)
    {
        if (afterRevision < StateVersion.Latest)
        {
            throw new ArgumentOutOfRangeException(
                nameof(afterRevision), afterRevision, "The revision to watch after is a revision of this store, 0 for all history, or StateVersion.Latest.");
        }
    }

    private static int Utf8Length(string text, string parameterName, string what)
    {
        try
        {
            return StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"The state {what} '{Shorten(text)}' holds an unpaired surrogate, so it has no UTF-8 form.", parameterName, e);
        }
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
}
