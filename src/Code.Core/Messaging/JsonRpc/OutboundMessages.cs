using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Code.Core.Messaging.Routing;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>A message the engine writes; implemented by structs so writing one is generic and allocation-free.</summary>
internal interface IOutboundMessage
{
    void Write(Utf8JsonWriter writer);
}

/// <summary>The property names and constants of JSON-RPC, pre-encoded.</summary>
internal static class JsonRpcNames
{
    public static readonly JsonEncodedText JsonRpc = JsonEncodedText.Encode("jsonrpc");
    public static readonly JsonEncodedText Version = JsonEncodedText.Encode("2.0");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Method = JsonEncodedText.Encode("method");
    public static readonly JsonEncodedText Params = JsonEncodedText.Encode("params");
    public static readonly JsonEncodedText Result = JsonEncodedText.Encode("result");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    public static readonly JsonEncodedText RequestId = JsonEncodedText.Encode("requestId");

    public static void WriteHeader(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonRpc, Version);
    }
}

/// <summary>A success response whose result a handler wrote into its context.</summary>
internal readonly struct ResultMessage(JsonRpcRequestContext context) : IOutboundMessage
{
    public void Write(Utf8JsonWriter writer)
    {
        JsonRpcNames.WriteHeader(writer);
        writer.WritePropertyName(JsonRpcNames.Id);
        context.Id.WriteTo(writer);
        writer.WritePropertyName(JsonRpcNames.Result);
        ReadOnlySpan<byte> result = context.ResultJson;
        if (result.IsEmpty)
        {
            writer.WriteNullValue();
        }
        else
        {
            RawJson.WriteValidated(writer, result);
        }

        writer.WriteEndObject();
    }
}

/// <summary>An error response.</summary>
internal readonly struct ErrorMessage(JsonRpcId id, int code, string message, string? data) : IOutboundMessage
{
    public void Write(Utf8JsonWriter writer)
    {
        JsonRpcNames.WriteHeader(writer);
        writer.WritePropertyName(JsonRpcNames.Id);
        id.WriteTo(writer);
        writer.WriteStartObject(JsonRpcNames.Error);
        writer.WriteNumber(JsonRpcNames.Code, code);
        writer.WriteString(JsonRpcNames.Message, message);
        if (data is not null)
        {
            // Error data comes from handlers: checked here, before it is written, and dropped if it is not JSON.
            byte[] json = System.Text.Encoding.UTF8.GetBytes(data);
            if (RawJson.IsValid(json))
            {
                writer.WritePropertyName(JsonRpcNames.Data);
                RawJson.WriteValidated(writer, json);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>A request or notification (no id) whose params are serialized straight into the output.</summary>
internal readonly struct TypedCallMessage<T>(long? id, string method, T parameters, JsonTypeInfo<T> typeInfo) : IOutboundMessage
{
    public void Write(Utf8JsonWriter writer)
    {
        JsonRpcNames.WriteHeader(writer);
        if (id is { } value)
        {
            writer.WriteNumber(JsonRpcNames.Id, value);
        }

        writer.WriteString(JsonRpcNames.Method, method);
        writer.WritePropertyName(JsonRpcNames.Params);
        JsonSerializer.Serialize(writer, parameters, typeInfo);
        writer.WriteEndObject();
    }
}

/// <summary>A request or notification (no id) whose params are given as JSON text.</summary>
internal readonly struct RawCallMessage(long? id, string method, ReadOnlyMemory<byte> parameters) : IOutboundMessage
{
    public void Write(Utf8JsonWriter writer)
    {
        JsonRpcNames.WriteHeader(writer);
        if (id is { } value)
        {
            writer.WriteNumber(JsonRpcNames.Id, value);
        }

        writer.WriteString(JsonRpcNames.Method, method);
        if (!parameters.IsEmpty)
        {
            writer.WritePropertyName(JsonRpcNames.Params);
            RawJson.WriteValidated(writer, parameters.Span);
        }

        writer.WriteEndObject();
    }
}

/// <summary>A cancellation notification for a request this side sent: <c>{"requestId": n}</c> (MCP) or <c>{"id": n}</c> (LSP).</summary>
internal readonly struct CancelMessage(string method, long requestId, bool lsp) : IOutboundMessage
{
    public void Write(Utf8JsonWriter writer)
    {
        JsonRpcNames.WriteHeader(writer);
        writer.WriteString(JsonRpcNames.Method, method);
        writer.WriteStartObject(JsonRpcNames.Params);
        writer.WriteNumber(lsp ? JsonRpcNames.Id : JsonRpcNames.RequestId, requestId);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>A finished batch response array.</summary>
internal readonly struct RawMessage(ReadOnlyMemory<byte> json) : IOutboundMessage
{
    public void Write(Utf8JsonWriter writer) => writer.WriteRawValue(json.Span, skipInputValidation: true);
}
