using Code.Experts.Experts;
using Code.Experts.PeerReview;
using Code.Experts.Verdicts;

namespace Code.Experts.Consultation;

/// <summary>The circle's second round: the anonymised peer review and the chairman's synthesis.</summary>
internal sealed partial class CircleOfExperts
{
    private async Task<PeerReviewBallot[]> RunPeerReviewAsync(
        QuestionView view, ExpertOpinion[] opinions, List<Spend> spend, CancellationToken deadline, CancellationToken caller)
    {
        var reviewers = new List<(Expert Expert, IReadOnlyList<PeerReviewLabel> Labels, Task<ExpertCall<IReadOnlyList<string>>> Call)>();
        for (var i = 0; i < opinions.Length; i++)
        {
            if (!opinions[i].IsValid)
            {
                continue;
            }

            var others = opinions.Where(o => o.IsValid && o.Expert != opinions[i].Expert).ToDictionary(o => o.Expert, StringComparer.Ordinal);
            IReadOnlyList<PeerReviewLabel> labels;
            lock (_randomLock)
            {
                labels = PeerReviewLabels.Assign(others.Keys.ToArray(), _random);
            }

            var request = new ExpertRequest(
                ExpertTasks.PeerReview,
                view,
                labels.Select(l => new LabelledAnswer(l.Label, others[l.Expert].Answer!, others[l.Expert].Confidence, others[l.Expert].Rationale)).ToArray());
            var expert = _experts[i];
            var labelNames = labels.Select(l => l.Label).ToArray();
            var messages = ExpertPrompts.PeerReview(expert.RolePrompt, request);
            var schema = ReplySchemas.Ranking(labelNames);
            var call = Task.Run(
                () => _caller.AskAsync(
                    expert,
                    ExpertTasks.PeerReview,
                    messages,
                    schema,
                    reply =>
                    {
                        var problem = RankingParser.TryParse(reply, labelNames, _options.MaxReplyCharacters, out var ranking);
                        return (problem is null ? ranking : null, problem);
                    },
                    deadline,
                    caller),
                CancellationToken.None);
            reviewers.Add((expert, labels, call));
        }

        await Task.WhenAll(reviewers.Select(r => r.Call)).ConfigureAwait(false);
        var ballots = new PeerReviewBallot[reviewers.Count];
        for (var i = 0; i < reviewers.Count; i++)
        {
            var (expert, labels, task) = reviewers[i];
            var call = await task.ConfigureAwait(false);
            spend.Add(new Spend(expert, call));
            var byLabel = labels.ToDictionary(l => l.Label, l => l.Expert, StringComparer.Ordinal);
            ballots[i] = call.Value is { } ranking
                ? new PeerReviewBallot(expert.Name, ranking.Select(label => byLabel[label]).ToArray(), labels)
                : new PeerReviewBallot(expert.Name, [], labels, call.Error);
        }

        return ballots;
    }

    private async Task<ExpertOpinion> SynthesiseAsync(
        Expert chairman, QuestionView view, ExpertOpinion[] opinions, List<Spend> spend, CancellationToken deadline, CancellationToken caller)
    {
        var valid = opinions.Where(o => o.IsValid).ToDictionary(o => o.Expert, StringComparer.Ordinal);
        IReadOnlyList<PeerReviewLabel> labels;
        lock (_randomLock)
        {
            labels = PeerReviewLabels.Assign(valid.Keys.ToArray(), _random);
        }

        var request = new ExpertRequest(
            ExpertTasks.Synthesis,
            view,
            labels.Select(l => new LabelledAnswer(l.Label, valid[l.Expert].Answer!, valid[l.Expert].Confidence, valid[l.Expert].Rationale, valid[l.Expert].PeerScore)).ToArray());
        var call = await AskVerdictAsync(
            chairman, ExpertPrompts.Synthesis(chairman.RolePrompt, request), ReplySchemas.Verdict(view.Choices), view.Choices, deadline, caller, ExpertTasks.Synthesis).ConfigureAwait(false);
        spend.Add(new Spend(chairman, call));
        return ToOpinion(chairman, call);
    }

    /// <summary>The tokens of one call and the model they are priced by: the expert's configured model, else the one that replied.</summary>
    private readonly record struct Spend(string Expert, string? Model, TokenUsage Tokens)
    {
        public Spend(Expert expert, ExpertCall<ParsedVerdict> call)
            : this(expert.Name, expert.PricedModelId ?? call.ModelId, call.Tokens)
        {
        }

        public Spend(Expert expert, ExpertCall<IReadOnlyList<string>> call)
            : this(expert.Name, expert.PricedModelId ?? call.ModelId, call.Tokens)
        {
        }
    }
}
