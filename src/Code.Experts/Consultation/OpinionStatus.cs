using System.Text.Json.Serialization;
using Code.Experts.Serialization;

namespace Code.Experts.Consultation;

/// <summary>How an expert's part in a consultation ended.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<OpinionStatus>))]
public enum OpinionStatus
{
    /// <summary>A usable answer.</summary>
    Answered,

    /// <summary>The expert said it cannot judge this question (for example an offline expert without its evidence).</summary>
    Abstained,

    /// <summary>The reply was unusable, also after the one repair re-ask.</summary>
    Unusable,

    /// <summary>The expert did not answer within its timeout or the consultation deadline.</summary>
    TimedOut,

    /// <summary>The call threw.</summary>
    Failed,
}
