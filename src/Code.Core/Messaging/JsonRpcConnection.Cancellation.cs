using System.Buffers;
using System.Text.Json;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;

namespace Code.Core.Messaging;

/// <content>Cancellation of incoming requests, by the peer or by shutdown.</content>
public sealed partial class JsonRpcConnection
{
    /// <summary>
    /// Applies the peer's cancellation notification: its params name the request by <c>requestId</c> (MCP) or <c>id</c>
    /// (LSP's <c>$/cancelRequest</c>). A request already finished, unknown, or named by an id that cannot be decoded is
    /// ignored. The request's context is taken with its generation under the in-flight lock, so a cancellation crossing
    /// the request's completion can never reach the next request that reuses the pooled context.
    /// </summary>
    private void CancelIncoming(ReadOnlySequence<byte> parameters, JsonTokenType kind)
    {
        if (kind != JsonTokenType.StartObject)
        {
            return;
        }

        var reader = new Utf8JsonReader(parameters);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isRequestId = JsonText.ValueTextEquals(ref reader, JsonRpcNames.RequestId.EncodedUtf8Bytes)
                || JsonText.ValueTextEquals(ref reader, JsonRpcNames.Id.EncodedUtf8Bytes);
            reader.Read();
            if (isRequestId)
            {
                if (JsonRpcId.TryRead(ref reader, out JsonRpcId id))
                {
                    CancelInFlight(id);
                }

                return;
            }

            reader.Skip();
        }
    }

    private void CancelInFlight(JsonRpcId id)
    {
        JsonRpcRequestContext? target;
        int generation = 0;
        lock (_inFlightGate)
        {
            if (_inFlight.TryGetValue(id, out target))
            {
                generation = target.Generation;
            }
        }

        if (target is not null)
        {
            LogRequestCancelled(id.ToString());
            target.CancelByPeer(generation);
        }
    }

    private void CancelAllInFlight()
    {
        (JsonRpcRequestContext Context, int Generation)[] targets;
        lock (_inFlightGate)
        {
            targets = [.. _inFlight.Values.Select(static c => (c, c.Generation))];
        }

        foreach ((JsonRpcRequestContext context, int generation) in targets)
        {
            context.Cancel(generation);
        }
    }
}
