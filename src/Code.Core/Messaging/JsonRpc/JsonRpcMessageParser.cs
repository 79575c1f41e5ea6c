using System.Text.Json;
using Code.Core.Messaging.Routing;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>Reads one JSON-RPC message object with <see cref="Utf8JsonReader"/>, allocation-free on the valid path.</summary>
internal static class JsonRpcMessageParser
{
    /// <summary>Parses the object the reader is positioned on (its <see cref="JsonTokenType.StartObject"/>) to its end.</summary>
    /// <exception cref="JsonException">The JSON is malformed.</exception>
    public static void ParseObject(ref Utf8JsonReader reader, JsonRpcRouter router, ReadOnlySpan<byte> cancellationMethod, out ParsedMessage message)
    {
        message = default;
        MessageProblem problem = MessageProblem.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("jsonrpc"u8))
            {
                reader.Read();
                message.HasVersion = true;
                if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("2.0"u8))
                {
                    problem = problem == MessageProblem.None ? MessageProblem.WrongVersion : problem;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                message.HasId = true;
                if (!JsonRpcId.TryRead(ref reader, out message.Id))
                {
                    problem = problem == MessageProblem.None ? MessageProblem.InvalidId : problem;
                    message.Id = JsonRpcId.Null;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                message.HasMethod = true;
                if (reader.TokenType != JsonTokenType.String)
                {
                    problem = problem == MessageProblem.None ? MessageProblem.MethodNotString : problem;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals(cancellationMethod))
                {
                    message.IsCancellation = true;
                }
                else
                {
                    message.Route = router.Match(ref reader);
                    if (message.Route is null)
                    {
                        message.UnknownMethod = reader.GetString();
                    }
                }
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                message.ParamsKind = reader.TokenType;
                ReadRange(ref reader, out message.ParamsStart, out message.ParamsLength);
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                message.HasResult = true;
                ReadRange(ref reader, out message.ResultStart, out message.ResultLength);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                message.HasError = true;
                ReadRange(ref reader, out message.ErrorStart, out message.ErrorLength);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (problem == MessageProblem.None)
        {
            problem = Classify(in message);
        }

        message.Problem = problem;
    }

    private static MessageProblem Classify(in ParsedMessage message)
    {
        if (!message.HasVersion)
        {
            return MessageProblem.MissingVersion;
        }

        if (message.HasMethod)
        {
            return message.ParamsKind is JsonTokenType.None or JsonTokenType.StartObject or JsonTokenType.StartArray
                ? MessageProblem.None
                : MessageProblem.ParamsNotStructured;
        }

        if (message.HasResult && message.HasError)
        {
            return MessageProblem.ResultAndError;
        }

        if (message.HasResult || message.HasError)
        {
            return message.HasId ? MessageProblem.None : MessageProblem.ResponseWithoutId;
        }

        return MessageProblem.NotAMessage;
    }

    private static void ReadRange(ref Utf8JsonReader reader, out long start, out long length)
    {
        start = reader.TokenStartIndex;
        reader.Skip();
        length = reader.BytesConsumed - start;
    }
}
