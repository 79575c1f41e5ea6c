namespace Code.Core.Messaging.Envelope;

/// <summary>A decoded host-to-host envelope: one message (its payload already decompressed) and its metadata.</summary>
/// <param name="Timestamp">When the sender wrapped the message.</param>
/// <param name="MessageType"><c>request</c>, <c>response</c>, <c>notification</c>, <c>batch</c> or an application-defined type.</param>
/// <param name="Payload">The message bytes, typically JSON-RPC text.</param>
/// <param name="Metadata">String pairs that travel with the message (routing, tracing, tenant).</param>
public sealed record MessageEnvelope(DateTimeOffset Timestamp, string MessageType, ReadOnlyMemory<byte> Payload, IReadOnlyDictionary<string, string> Metadata);
