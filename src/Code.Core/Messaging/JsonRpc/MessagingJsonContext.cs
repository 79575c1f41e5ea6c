using System.Text.Json;
using System.Text.Json.Serialization;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>Source-generated serialization for the few plain types the engine writes itself.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(long))]
internal sealed partial class MessagingJsonContext : JsonSerializerContext;
