namespace Code.Learning.Sequences;

/// <summary>
/// An n-gram (order n-1 Markov) model of symbol sequences such as tool calls, smoothed by interpolated
/// Witten-Bell back-off down to an add-one unigram, so every symbol, even one never seen, has a non-zero
/// probability. The surprise of a symbol is -log2 P(symbol | previous n-1 symbols), in bits: a routine
/// next call scores low, an unusual one high.
/// </summary>
/// <remarks>
/// Sequences start with an implicit start symbol, so the first call of a session is scored too. Up to
/// 65,533 distinct symbols are learned; later new symbols count as unknown. Thread-safe; scoring
/// allocates nothing.
/// </remarks>
public sealed class MarkovSequenceModel
{
    /// <summary>The model type written to the model registry.</summary>
    public const string ModelType = "sequence-markov";

    private const uint FormatMagic = 0x4D514553; // "SEQM"
    private const int FormatVersion = 1;
    private const int Unknown = 0;
    private const int Start = 1;
    private const int MaxSymbols = 65_535;
    private const int MaxSequenceLength = 100_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, long>[] _ngrams;      // [length - 1]: n-gram counts, length 1..order
    private readonly Dictionary<ulong, long>[] _histories;   // [length]: how often a history of that length was followed by something
    private readonly Dictionary<ulong, long>[] _followers;   // [length]: distinct symbols seen after a history
    private long _tokens;

    /// <summary>Initializes a new instance of the <see cref="MarkovSequenceModel"/> class.</summary>
    /// <param name="order">The n of the n-grams, 1 (unigram) to 4; 3 conditions each symbol on the two before it.</param>
    public MarkovSequenceModel(int order = 3)
    {
        if (order is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "The sequence model's order must be between 1 and 4.");
        }

        Order = order;
        _ngrams = new Dictionary<ulong, long>[order];
        _histories = new Dictionary<ulong, long>[order];
        _followers = new Dictionary<ulong, long>[order];
        for (var i = 0; i < order; i++)
        {
            _ngrams[i] = [];
            _histories[i] = [];
            _followers[i] = [];
        }
    }

    /// <summary>Gets the n of the n-grams.</summary>
    public int Order { get; }

    /// <summary>Gets the number of distinct symbols learned.</summary>
    public int SymbolCount
    {
        get
        {
            lock (_lock)
            {
                return _symbols.Count;
            }
        }
    }

    /// <summary>Learns one sequence (for example the tool calls of one session).</summary>
    /// <param name="sequence">The symbols, in order.</param>
    /// <exception cref="ArgumentException">A symbol is null or empty, or the sequence is longer than 100000.</exception>
    public void Learn(ReadOnlySpan<string> sequence)
    {
        Validate(sequence);
        lock (_lock)
        {
            Span<int> ids = stackalloc int[4];
            ids.Fill(Start);
            foreach (var symbol in sequence)
            {
                ids[..3].CopyTo(ids[1..]);
                ids[0] = GetOrAddId(symbol); // ids[0] is the newest, ids[1] the one before...
                Count(ids);
            }
        }
    }

    /// <summary>
    /// Learns one step of a sequence: <paramref name="next"/> following <paramref name="history"/> (for
    /// tool calls that arrive one at a time). Learning every step of a sequence this way equals
    /// <see cref="Learn"/> of the whole sequence.
    /// </summary>
    /// <param name="history">The symbols before it in the session (only the last order - 1 matter); empty at a session start.</param>
    /// <param name="next">The symbol.</param>
    /// <exception cref="ArgumentException">A symbol is null or empty.</exception>
    public void LearnNext(ReadOnlySpan<string> history, string next)
    {
        ArgumentException.ThrowIfNullOrEmpty(next);
        var take = Math.Min(history.Length, Order - 1);
        Validate(history[(history.Length - take)..]);
        lock (_lock)
        {
            Span<int> ids = stackalloc int[4];
            ids.Fill(Start);
            for (var i = 0; i < take; i++)
            {
                ids[i + 1] = GetOrAddId(history[history.Length - 1 - i]);
            }

            ids[0] = GetOrAddId(next);
            Count(ids);
        }
    }

    /// <summary>The surprise, in bits, of <paramref name="next"/> following <paramref name="history"/>.</summary>
    /// <param name="history">The symbols before it (only the last order - 1 matter); empty at a session start.</param>
    /// <param name="next">The symbol.</param>
    /// <returns>-log2 P(next | history), at least 0.</returns>
    public double Surprise(ReadOnlySpan<string> history, string next)
    {
        ArgumentException.ThrowIfNullOrEmpty(next);
        Span<int> ids = stackalloc int[4];
        lock (_lock)
        {
            ids.Fill(Start);
            var take = Math.Min(history.Length, Order - 1);
            for (var i = 0; i < take; i++)
            {
                ids[i + 1] = Lookup(history[history.Length - 1 - i]);
            }

            ids[0] = Lookup(next);
            return -Math.Log2(Probability(ids, Order));
        }
    }

    /// <summary>The mean surprise per symbol of a whole sequence, in bits (0 for an empty sequence).</summary>
    /// <param name="sequence">The symbols.</param>
    /// <returns>The average of each symbol's surprise given the ones before it.</returns>
    public double SequenceSurprise(ReadOnlySpan<string> sequence)
    {
        Validate(sequence);
        if (sequence.IsEmpty)
        {
            return 0;
        }

        Span<int> ids = stackalloc int[4];
        lock (_lock)
        {
            ids.Fill(Start);
            var total = 0.0;
            foreach (var symbol in sequence)
            {
                ids[..3].CopyTo(ids[1..]);
                ids[0] = Lookup(symbol);
                total -= Math.Log2(Probability(ids, Order));
            }

            return total / sequence.Length;
        }
    }

    /// <summary>Serializes the model (symbols and every n-gram count).</summary>
    /// <returns>Bytes readable by <see cref="Deserialize"/>.</returns>
    public byte[] Serialize()
    {
        lock (_lock)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(FormatMagic);
                writer.Write(FormatVersion);
                writer.Write(Order);
                writer.Write(_tokens);
                writer.Write(_symbols.Count);
                foreach (var (symbol, id) in _symbols)
                {
                    writer.Write(id);
                    writer.Write(symbol);
                }

                foreach (var table in _ngrams.Concat(_histories).Concat(_followers))
                {
                    writer.Write(table.Count);
                    foreach (var (key, count) in table)
                    {
                        writer.Write(key);
                        writer.Write(count);
                    }
                }
            }

            return stream.ToArray();
        }
    }

    /// <summary>Reads a model written by <see cref="Serialize"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid sequence model.</exception>
    public static MarkovSequenceModel Deserialize(ReadOnlyMemory<byte> data)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(data.ToArray(), writable: false), System.Text.Encoding.UTF8);
            if (reader.ReadUInt32() != FormatMagic || reader.ReadInt32() != FormatVersion)
            {
                throw new InvalidDataException("The data is not a serialized sequence model of a supported format version.");
            }

            var model = new MarkovSequenceModel(reader.ReadInt32());
            model._tokens = reader.ReadInt64();
            var symbols = reader.ReadInt32();
            if (symbols is < 0 or > MaxSymbols)
            {
                throw new InvalidDataException($"The serialized sequence model declares {symbols} symbols.");
            }

            for (var i = 0; i < symbols; i++)
            {
                var id = reader.ReadInt32();
                var symbol = reader.ReadString();
                if (id < 2 || id >= MaxSymbols || string.IsNullOrEmpty(symbol) || !model._symbols.TryAdd(symbol, id))
                {
                    throw new InvalidDataException($"The serialized sequence model has an invalid symbol entry {i}.");
                }
            }

            foreach (var table in model._ngrams.Concat(model._histories).Concat(model._followers))
            {
                var count = reader.ReadInt32();
                if (count < 0 || count > data.Length / 16)
                {
                    throw new InvalidDataException($"The serialized sequence model declares a table of {count} entries.");
                }

                for (var i = 0; i < count; i++)
                {
                    table[reader.ReadUInt64()] = reader.ReadInt64();
                }
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException("The serialized sequence model has trailing bytes.");
            }

            return model;
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentOutOfRangeException or IOException)
        {
            throw new InvalidDataException("The serialized sequence model is truncated or malformed.", ex);
        }
    }

    private int GetOrAddId(string symbol)
    {
        if (_symbols.TryGetValue(symbol, out var id))
        {
            return id;
        }

        if (_symbols.Count >= MaxSymbols - 2)
        {
            return Unknown;
        }

        id = _symbols.Count + 2;
        _symbols.Add(symbol, id);
        return id;
    }

    /// <summary>Counts the n-grams ending at ids[0] (newest first).</summary>
    private void Count(ReadOnlySpan<int> ids)
    {
        _tokens++;
        for (var length = 1; length <= Order; length++)
        {
            var ngram = Pack(ids, length);
            var history = Pack(ids[1..], length - 1);
            var seen = Increment(_ngrams[length - 1], ngram);
            Increment(_histories[length - 1], history);
            if (seen == 1)
            {
                Increment(_followers[length - 1], history);
            }
        }
    }

    /// <summary>Interpolated Witten-Bell probability of ids[0] after ids[1..length].</summary>
    private double Probability(ReadOnlySpan<int> ids, int length)
    {
        if (length == 1)
        {
            var count = _ngrams[0].GetValueOrDefault(Pack(ids, 1));
            return (count + 1.0) / (_tokens + _symbols.Count + 1.0);
        }

        var lower = Probability(ids, length - 1);
        var history = Pack(ids[1..], length - 1);
        var historyCount = _histories[length - 1].GetValueOrDefault(history);
        if (historyCount == 0)
        {
            return lower;
        }

        var types = _followers[length - 1].GetValueOrDefault(history);
        var ngramCount = _ngrams[length - 1].GetValueOrDefault(Pack(ids, length));
        return (ngramCount + (types * lower)) / (historyCount + types);
    }

    private int Lookup(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        return _symbols.TryGetValue(symbol, out var id) ? id : Unknown;
    }

    /// <summary>Packs ids[0..length) into 16 bits each.</summary>
    private static ulong Pack(ReadOnlySpan<int> ids, int length)
    {
        ulong key = 0;
        for (var i = 0; i < length; i++)
        {
            key = (key << 16) | (uint)ids[i];
        }

        return key;
    }

    private static long Increment(Dictionary<ulong, long> counts, ulong key)
    {
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _);
        return ++count;
    }

    private static void Validate(ReadOnlySpan<string> sequence)
    {
        if (sequence.Length > MaxSequenceLength)
        {
            throw new ArgumentException($"The sequence has {sequence.Length} symbols; at most {MaxSequenceLength} are accepted.", nameof(sequence));
        }

        for (var i = 0; i < sequence.Length; i++)
        {
            if (string.IsNullOrEmpty(sequence[i]))
            {
                throw new ArgumentException($"Symbol {i} of the sequence is null or empty.", nameof(sequence));
            }
        }
    }
}
