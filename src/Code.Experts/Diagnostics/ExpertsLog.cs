using Microsoft.Extensions.Logging;

namespace Code.Experts.Diagnostics;

/// <summary>The package's source-generated log messages.</summary>
internal static partial class ExpertsLog
{
    [LoggerMessage(1, LogLevel.Information, "Consultation {ConsultationId} ended with {Answer} (confidence {Confidence:0.00}, {Valid}/{Total} usable opinions, {Aggregation}).")]
    public static partial void Consulted(ILogger logger, string consultationId, string answer, double confidence, int valid, int total, string aggregation);

    [LoggerMessage(2, LogLevel.Warning, "Consultation {ConsultationId} has no consensus: {Reason}")]
    public static partial void NoConsensus(ILogger logger, string consultationId, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Expert {Expert} gave no usable opinion ({Status}): {Error}")]
    public static partial void ExpertFailed(ILogger logger, string expert, string status, string error);

    [LoggerMessage(4, LogLevel.Warning, "The stored record at {Key} is unreadable; it is ignored.")]
    public static partial void StoredRecordUnreadable(ILogger logger, string key);

    [LoggerMessage(5, LogLevel.Warning, "The state store failed during {Operation}; the consultation goes on without it.")]
    public static partial void StoreFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "Consultation served from the cache ({Key}).")]
    public static partial void CacheHit(ILogger logger, string key);

    [LoggerMessage(7, LogLevel.Warning, "The progress callback threw on the opinion of expert {Expert}; the consultation goes on.")]
    public static partial void ProgressFailed(ILogger logger, string expert, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Expert {Expert} used tokens of model {Model}, which has no price in experts.prices; they are counted as free. Add the model's price, or set the expert's ModelId to a priced model.")]
    public static partial void ModelNotPriced(ILogger logger, string expert, string model);

    [LoggerMessage(9, LogLevel.Warning, "The credit {Credit} of consultation {ConsultationId} is applied, but its in-flight mark could not be cleared; it is dropped when the consultation expires.")]
    public static partial void CreditNotAcknowledged(ILogger logger, string credit, string consultationId, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "The state store had not finished the {Operation} at the consultation deadline; the consultation returns without waiting and the write goes on in the background.")]
    public static partial void StoreWriteOutlivedDeadline(ILogger logger, string operation);
}
