namespace Code.Core.Messaging;

/// <summary>
/// The priority lane a method's requests are scheduled on. Each lane has its own concurrency limit,
/// bounded queue and back-pressure policy, so control traffic is never stuck behind tool calls.
/// </summary>
public enum MessageLane
{
    /// <summary>Protocol control traffic (ping, initialize, discovery): small, fast, served first.</summary>
    Control = 0,

    /// <summary>Ordinary requests such as tool calls.</summary>
    Normal = 1,

    /// <summary>Long or bulk work that may wait behind everything else.</summary>
    Background = 2,
}
