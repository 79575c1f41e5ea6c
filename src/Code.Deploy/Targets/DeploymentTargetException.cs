namespace Code.Deploy.Targets;

/// <summary>A call to a <see cref="IDeploymentTarget"/> or a traffic router failed; <see cref="Kind"/> says how, so the engine can record why and decide whether to retry.</summary>
public sealed class DeploymentTargetException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DeploymentTargetException"/> class.</summary>
    /// <param name="kind">How the call failed.</param>
    /// <param name="message">What failed, naming the app and revision when known.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public DeploymentTargetException(TargetErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentTargetException"/> class.</summary>
    public DeploymentTargetException()
        : this(TargetErrorKind.Internal, "The deployment target failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentTargetException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public DeploymentTargetException(string message)
        : this(TargetErrorKind.Internal, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentTargetException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentTargetException(string message, Exception innerException)
        : this(TargetErrorKind.Internal, message, innerException)
    {
    }

    /// <summary>Gets how the call failed.</summary>
    public TargetErrorKind Kind { get; }

    /// <summary>Gets a value indicating whether the same call may succeed later (<see cref="TargetErrorKind.Unavailable"/>, <see cref="TargetErrorKind.Timeout"/>, <see cref="TargetErrorKind.Conflict"/>).</summary>
    public bool IsTransient => Kind is TargetErrorKind.Unavailable or TargetErrorKind.Timeout or TargetErrorKind.Conflict;
}

/// <summary>How a call to a target failed.</summary>
public enum TargetErrorKind
{
    /// <summary>The target cannot be reached or refuses calls for now.</summary>
    Unavailable,

    /// <summary>The call did not finish in time.</summary>
    Timeout,

    /// <summary>The target's state changed under the call (a concurrent writer); retrying after observing again may succeed.</summary>
    Conflict,

    /// <summary>The request can never succeed as given (a revision the target cannot run, a replica count beyond its capacity, invalid routes).</summary>
    InvalidRequest,

    /// <summary>The caller may not do this on the target.</summary>
    Forbidden,

    /// <summary>A resource the call needs does not exist.</summary>
    NotFound,

    /// <summary>The target failed in a way it could not classify.</summary>
    Internal,
}
