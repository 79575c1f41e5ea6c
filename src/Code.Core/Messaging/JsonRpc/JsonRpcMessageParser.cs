using System.Buffers;
using System.Text.Json;
using Code.Core.Messaging.Routing;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>Reads one JSON-RPC message object with <see cref="Utf8JsonReader"/>, allocation-free on the valid path.</summary>
internal static class JsonRpcMessageParser
{
    /// <summary>
    /// Creates the reader for one frame over a span, which the reader walks much faster than a sequence: the frame's
    /// own span when it lies in one segment (the usual case), else a copy in <paramref name="scratch"/> when it fits
    /// (a small message straddling two segments), else the sequence. Token indexes are offsets into the frame either way.
    /// </summary>
    public static Utf8JsonReader CreateReader(in ReadOnlySequence<byte> frame, Span<byte> scratch)
    {
        var options = new JsonReaderOptions { MaxDepth = MessagingDefaults.MaxJsonDepth };
        if (frame.IsSingleSegment)
        {
            return new Utf8JsonReader(frame.FirstSpan, options);
        }

        if (frame.Length <= scratch.Length)
        {
            Span<byte> copy = scratch[..(int)frame.Length];
            frame.CopyTo(copy);
            return new Utf8JsonReader(copy, options);
        }

        return new Utf8JsonReader(frame, options);
    }

    /// <summary>Parses the object the reader is positioned on (its <see cref="JsonTokenType.StartObject"/>) to its end.</summary>
    /// <exception cref="JsonException">The JSON is malformed.</exception>
    public static void ParseObject(ref Utf8JsonReader reader, JsonRpcRouter router, ReadOnlySpan<byte> cancellationMethod, out ParsedMessage message)
    {
        message = default;
        MessageProblem problem = MessageProblem.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            MemberName member = Identify(ref reader);
            if (member == MemberName.JsonRpc)
            {
                reader.Read();
                message.HasVersion = true;
                if (reader.TokenType != JsonTokenType.String || !JsonText.ValueTextEquals(ref reader, "2.0"u8))
                {
                    problem = problem == MessageProblem.None ? MessageProblem.WrongVersion : problem;
                    reader.Skip();
                }
            }
            else if (member == MemberName.Id)
            {
                reader.Read();
                message.HasId = true;
                if (!JsonRpcId.TryRead(ref reader, out message.Id))
                {
                    MessageProblem idProblem = reader.TokenType == JsonTokenType.String ? MessageProblem.UndecodableId : MessageProblem.InvalidId;
                    problem = problem == MessageProblem.None ? idProblem : problem;
                    message.Id = JsonRpcId.Null;
                    reader.Skip();
                }
            }
            else if (member == MemberName.Method)
            {
                reader.Read();
                message.HasMethod = true;
                if (reader.TokenType != JsonTokenType.String)
                {
                    problem = problem == MessageProblem.None ? MessageProblem.MethodNotString : problem;
                    reader.Skip();
                }
                else if (JsonText.ValueTextEquals(ref reader, cancellationMethod))
                {
                    message.IsCancellation = true;
                }
                else
                {
                    message.Route = router.Match(ref reader);
                    if (message.Route is null)
                    {
                        if (JsonText.TryGetString(ref reader, out string? unknown))
                        {
                            message.UnknownMethod = unknown;
                        }
                        else
                        {
                            problem = problem == MessageProblem.None ? MessageProblem.UndecodableMethod : problem;
                        }
                    }
                }
            }
            else if (member == MemberName.Params)
            {
                reader.Read();
                message.ParamsKind = reader.TokenType;
                ReadRange(ref reader, out message.ParamsStart, out message.ParamsLength);
            }
            else if (member == MemberName.Result)
            {
                reader.Read();
                message.HasResult = true;
                ReadRange(ref reader, out message.ResultStart, out message.ResultLength);
            }
            else if (member == MemberName.Error)
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

    /// <summary>Names the member the reader is on: by length and first byte when unescaped (the usual case), else by comparison.</summary>
    private static MemberName Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            // Escaped names may hold an unpaired surrogate: such a name is none of these.
            return JsonText.ValueTextEquals(ref reader, "jsonrpc"u8) ? MemberName.JsonRpc
                : JsonText.ValueTextEquals(ref reader, "id"u8) ? MemberName.Id
                : JsonText.ValueTextEquals(ref reader, "method"u8) ? MemberName.Method
                : JsonText.ValueTextEquals(ref reader, "params"u8) ? MemberName.Params
                : JsonText.ValueTextEquals(ref reader, "result"u8) ? MemberName.Result
                : JsonText.ValueTextEquals(ref reader, "error"u8) ? MemberName.Error
                : MemberName.Other;
        }

        ReadOnlySpan<byte> name = reader.ValueSpan;
        return name.Length switch
        {
            2 when name.SequenceEqual("id"u8) => MemberName.Id,
            5 when name.SequenceEqual("error"u8) => MemberName.Error,
            6 when name[0] == (byte)'m' && name.SequenceEqual("method"u8) => MemberName.Method,
            6 when name[0] == (byte)'p' && name.SequenceEqual("params"u8) => MemberName.Params,
            6 when name[0] == (byte)'r' && name.SequenceEqual("result"u8) => MemberName.Result,
            7 when name.SequenceEqual("jsonrpc"u8) => MemberName.JsonRpc,
            _ => MemberName.Other,
        };
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

/// <summary>The members of a JSON-RPC message the parser knows.</summary>
internal enum MemberName
{
    Other,
    JsonRpc,
    Id,
    Method,
    Params,
    Result,
    Error,
}
