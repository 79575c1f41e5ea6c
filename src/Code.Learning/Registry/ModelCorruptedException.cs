namespace Code.Learning.Registry;

/// <summary>Thrown when a stored model version cannot be read back intact (bad compression, bad protobuf, hash mismatch).</summary>
public sealed class ModelCorruptedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ModelCorruptedException"/> class.</summary>
    public ModelCorruptedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelCorruptedException"/> class.</summary>
    /// <param name="message">What is wrong and where.</param>
    public ModelCorruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelCorruptedException"/> class.</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="innerException">The cause.</param>
    public ModelCorruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
