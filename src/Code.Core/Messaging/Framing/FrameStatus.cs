namespace Code.Core.Messaging.Framing;

/// <summary>What <see cref="FrameReader.TryRead"/> found.</summary>
internal enum FrameStatus
{
    /// <summary>A complete message within the size limit.</summary>
    Message,

    /// <summary>A message over the size limit: the frame holds its first bytes only; the rest is skipped.</summary>
    Oversize,

    /// <summary>Bytes that cannot be framed (a bad header block); they were discarded.</summary>
    Malformed,
}
