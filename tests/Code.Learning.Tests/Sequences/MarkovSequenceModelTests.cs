using Code.Learning.Sequences;

namespace Code.Learning.Tests.Sequences;

public class MarkovSequenceModelTests
{
    private static readonly string[] Vocabulary = ["plan", "apply", "status", "rollback", "<other>"];

    [Fact]
    public void Unigram_surprise_matches_add_one_counts()
    {
        // a, a, b: P(a) = (2 + 1) / (3 + 2 + 1) = 1/2, P(b) = 1/3, P(unknown) = 1/6.
        var model = new MarkovSequenceModel(order: 1);
        model.Learn(["a", "a", "b"]);
        Assert.Equal(1, model.Surprise([], "a"), 12);
        Assert.Equal(Math.Log2(3), model.Surprise([], "b"), 12);
        Assert.Equal(Math.Log2(6), model.Surprise([], "never-seen"), 12);
    }

    [Fact]
    public void Bigram_surprise_matches_hand_computed_Witten_Bell()
    {
        // Learn a, b. P1(b) = (1 + 1) / (2 + 2 + 1) = 0.4; history a: count 1, one follower type;
        // P(b | a) = (1 + 1 * 0.4) / (1 + 1) = 0.7.
        var model = new MarkovSequenceModel(order: 2);
        model.Learn(["a", "b"]);
        Assert.Equal(-Math.Log2(0.7), model.Surprise(["a"], "b"), 12);
    }

    [Fact]
    public void Probabilities_after_any_history_sum_to_one()
    {
        var model = new MarkovSequenceModel(order: 3);
        model.Learn(["plan", "apply", "status", "apply", "status"]);
        model.Learn(["plan", "rollback"]);
        foreach (var history in new[] { Array.Empty<string>(), ["plan"], ["plan", "apply"], ["x", "y"] })
        {
            var total = Vocabulary.Sum(s => Math.Pow(2, -model.Surprise(history, s)));
            Assert.Equal(1, total, 9);
        }
    }

    [Fact]
    public void Routine_tool_calls_are_unsurprising_and_odd_ones_surprising()
    {
        var model = new MarkovSequenceModel(order: 3);
        for (var i = 0; i < 500; i++)
        {
            model.Learn(["deploy.plan", "deploy.validate", "deploy.apply", "deploy.status"]);
            model.Learn(["state.get", "state.put"]);
        }

        model.Learn(["deploy.plan", "fs.delete"]);
        Assert.True(model.Surprise(["deploy.plan", "deploy.validate"], "deploy.apply") < 0.1);
        Assert.True(model.Surprise(["deploy.plan", "deploy.validate"], "fs.delete") > 8);
        var routine = model.SequenceSurprise(["deploy.plan", "deploy.validate", "deploy.apply", "deploy.status"]);
        var odd = model.SequenceSurprise(["deploy.apply", "fs.delete", "deploy.apply", "git.push"]);
        Assert.True(odd > routine + 5, $"routine {routine:F2} bits, odd {odd:F2} bits");
        Assert.Equal(7, model.SymbolCount);
    }

    [Fact]
    public void Bad_sequences_fail_clearly()
    {
        var model = new MarkovSequenceModel();
        var error = Assert.Throws<ArgumentException>(() => model.Learn(["a", ""]));
        Assert.Contains("Symbol 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarkovSequenceModel(order: 5));
        Assert.Equal(0, model.SequenceSurprise([]));
    }

    [Fact]
    public void Serialization_round_trip_keeps_every_probability()
    {
        var model = new MarkovSequenceModel(order: 3);
        model.Learn(["plan", "apply", "status", "apply", "status"]);
        model.Learn(["plan", "rollback"]);
        var bytes = model.Serialize();
        var copy = MarkovSequenceModel.Deserialize(bytes);
        foreach (var history in new[] { Array.Empty<string>(), ["plan"], ["plan", "apply"] })
        {
            foreach (var next in Vocabulary)
            {
                Assert.Equal(model.Surprise(history, next), copy.Surprise(history, next));
            }
        }

        Assert.Throws<InvalidDataException>(() => MarkovSequenceModel.Deserialize(bytes.AsMemory(0, bytes.Length - 5)));
        Assert.Throws<InvalidDataException>(() => MarkovSequenceModel.Deserialize(new byte[] { 1, 2, 3 }));
    }

    [Fact]
    public void Learning_step_by_step_equals_learning_the_whole_sequence()
    {
        string[] session = ["plan", "apply", "status", "apply", "status", "rollback"];
        var whole = new MarkovSequenceModel(order: 3);
        whole.Learn(session);
        var steps = new MarkovSequenceModel(order: 3);
        for (var i = 0; i < session.Length; i++)
        {
            steps.LearnNext(session.AsSpan(0, i), session[i]);
        }

        foreach (var history in new[] { Array.Empty<string>(), ["plan"], ["apply", "status"], ["status", "apply"] })
        {
            foreach (var next in Vocabulary)
            {
                Assert.Equal(whole.Surprise(history, next), steps.Surprise(history, next));
            }
        }
    }
}
