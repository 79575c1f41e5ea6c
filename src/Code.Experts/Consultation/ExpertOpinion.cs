namespace Code.Experts.Consultation;

/// <summary>One expert's part in a consultation.</summary>
public sealed record ExpertOpinion
{
    /// <summary>Gets the expert's name.</summary>
    public required string Expert { get; init; }

    /// <summary>Gets how the expert's part ended.</summary>
    public required OpinionStatus Status { get; init; }

    /// <summary>Gets the answer (one of the choices for a decision); <see langword="null"/> unless <see cref="Status"/> is answered.</summary>
    public string? Answer { get; init; }

    /// <summary>Gets the expert's own confidence in [0, 1]; 0 without an answer.</summary>
    public double Confidence { get; init; }

    /// <summary>Gets the expert's reasoning, as it gave it.</summary>
    public string? Rationale { get; init; }

    /// <summary>Gets what went wrong, for every status but answered.</summary>
    public string? Error { get; init; }

    /// <summary>Gets a value indicating whether the answer came from the repair re-ask.</summary>
    public bool Repaired { get; init; }

    /// <summary>Gets the time from the first request to the last reply, in milliseconds.</summary>
    public double LatencyMilliseconds { get; init; }

    /// <summary>Gets the tokens the expert's calls used.</summary>
    public TokenUsage Tokens { get; init; }

    /// <summary>Gets the model that answered, as reported by the reply or configured for the expert.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the weight the aggregation gave this opinion (configured weight, reliability and, if used, confidence).</summary>
    public double Weight { get; init; }

    /// <summary>Gets the mean peer-review score in [0, 1] (1: ranked first by every reviewer); <see langword="null"/> without peer review.</summary>
    public double? PeerScore { get; init; }

    /// <summary>Gets a value indicating whether the expert gave a usable answer.</summary>
    public bool IsValid => Status == OpinionStatus.Answered;
}
