namespace Code.Core.Messaging;

/// <summary>Scheduling settings of one <see cref="MessageLane"/> of a connection.</summary>
public sealed class LaneOptions
{
    /// <summary>Gets or sets how many of the lane's requests may run at once; further requests wait in the lane's queue.</summary>
    /// <value>The default value depends on the lane: see <see cref="MessagingOptions"/>.</value>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>
    /// Gets or sets the total size, in bytes, of the requests the lane's queue holds before back-pressure applies: beyond
    /// it a <see cref="BackPressurePolicy.Reject"/> lane refuses requests, and a <see cref="BackPressurePolicy.Wait"/> lane
    /// keeps up to the same size again waiting while the connection reads on, then stops reading.
    /// </summary>
    /// <value>The default value is 1048576 (1 MiB), the default of <c>core.message_buffer_size</c>.</value>
    public int QueueCapacityBytes { get; set; } = MessagingDefaults.LaneCapacityBytes;

    /// <summary>Gets or sets what happens to a request that finds the lane's queue full.</summary>
    /// <value>The default value is <see cref="BackPressurePolicy.Wait"/>.</value>
    public BackPressurePolicy Policy { get; set; } = BackPressurePolicy.Wait;

    internal void Validate(string name)
    {
        if (MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(name, MaxConcurrency, $"{name}.{nameof(MaxConcurrency)} must be at least 1.");
        }

        if (QueueCapacityBytes < 1)
        {
            throw new ArgumentOutOfRangeException(name, QueueCapacityBytes, $"{name}.{nameof(QueueCapacityBytes)} must be at least 1.");
        }

        if (!Enum.IsDefined(Policy))
        {
            throw new ArgumentOutOfRangeException(name, Policy, $"{name}.{nameof(Policy)} is not a known policy.");
        }
    }
}
