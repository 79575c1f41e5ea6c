using BenchmarkDotNet.Attributes;
using Code.Learning.Sequences;

namespace Code.Benchmarks.Learning;

/// <summary>
/// Surprise of the next tool call with a trigram model trained on 2000 sessions over 40 tools. Anchor: a
/// Dictionary lookup of a bigram count keyed by the concatenated tool names.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SequenceBenchmarks
{
    private readonly MarkovSequenceModel _model = new(order: 3);
    private readonly Dictionary<string, int> _bigrams = new(StringComparer.Ordinal);
    private readonly string[] _history = ["tool.7", "tool.8"];
    private readonly string[] _session = new string[10];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var session = new string[10];
        for (var s = 0; s < 2000; s++)
        {
            var tool = random.Next(40);
            for (var i = 0; i < session.Length; i++)
            {
                tool = random.NextDouble() < 0.8 ? (tool + 1) % 40 : random.Next(40);
                session[i] = "tool." + tool;
                if (i > 0)
                {
                    var key = session[i - 1] + "|" + session[i];
                    _bigrams[key] = _bigrams.GetValueOrDefault(key) + 1;
                }
            }

            _model.Learn(session);
        }

        for (var i = 0; i < _session.Length; i++)
        {
            _session[i] = "tool." + (i + 3);
        }
    }

    [Benchmark(Description = "Surprise of one call (trigram, Witten-Bell)")]
    public double Surprise() => _model.Surprise(_history, "tool.9");

    [Benchmark(Description = "Mean surprise of a 10-call session")]
    public double SessionSurprise() => _model.SequenceSurprise(_session);

    [Benchmark(Baseline = true, Description = "Anchor: Dictionary bigram lookup with string concat")]
    public int DictionaryBigram() => _bigrams.GetValueOrDefault(_history[1] + "|" + "tool.9");
}
