using System.Buffers;
using System.Text.Json;
using Code.Core.Messaging.JsonRpc;

namespace Code.Core.Messaging.Framing;

/// <summary>
/// Looks for a top-level <c>id</c> in the first bytes of an oversize message, so its refusal can be
/// addressed to the request that caused it (and the peer's pending call fails at once instead of timing out).
/// </summary>
internal static class OversizeIdProbe
{
    public static JsonRpcId FindId(ReadOnlySequence<byte> prefix)
    {
        try
        {
            var reader = new Utf8JsonReader(prefix, isFinalBlock: false, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return JsonRpcId.Null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isId = JsonText.ValueTextEquals(ref reader, "id"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (isId)
                {
                    return JsonRpcId.TryRead(ref reader, out JsonRpcId id) && id.Kind != JsonRpcIdKind.Null ? id : JsonRpcId.Null;
                }

                if (!reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // The prefix is not JSON; the refusal goes to id null.
        }

        return JsonRpcId.Null;
    }
}
