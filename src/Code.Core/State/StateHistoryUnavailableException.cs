namespace Code.Core.State;

/// <summary>Thrown when a watch asks for changes older than the store still holds; re-scan and watch from the current revision.</summary>
public sealed class StateHistoryUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="StateHistoryUnavailableException"/> class.</summary>
    public StateHistoryUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StateHistoryUnavailableException"/> class.</summary>
    /// <param name="message">What was asked for and what the store still holds.</param>
    public StateHistoryUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StateHistoryUnavailableException"/> class.</summary>
    /// <param name="message">What was asked for and what the store still holds.</param>
    /// <param name="innerException">The cause.</param>
    public StateHistoryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
