using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.JsonRpc;
using Code.Core.Messaging.Routing;

namespace Code.Core.Tests.Messaging;

/// <summary>Handlers used across the messaging tests.</summary>
internal static class TestRoutes
{
    /// <summary>A router with echo (returns its params), add (sums a and b), throw, slow (waits for cancellation) and ping.</summary>
    public static JsonRpcRouter Create(Action<string>? onNotification = null)
    {
        var router = new JsonRpcRouter();
        router.Map("echo", static context =>
        {
            if (context.Params.IsEmpty)
            {
                context.SetRawResult("null"u8);
            }
            else
            {
                context.SetRawResult(context.Params.Span);
            }

            return ValueTask.CompletedTask;
        });
        router.Map("add", static context =>
        {
            AddParams? p = context.ReadParams(TestJsonContext.Default.AddParams)
                ?? throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "add needs params {a, b}.");
            context.SetResult(p.A + p.B, TestJsonContext.Default.Int64);
            return ValueTask.CompletedTask;
        });
        router.Map("throw", static _ => throw new InvalidOperationException("boom"));
        router.Map("throwAsync", static async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async boom");
        });
        router.Map("ping", static context =>
        {
            context.SetRawResult("{}"u8);
            return ValueTask.CompletedTask;
        }, MessageLane.Control);
        router.Map("note", context =>
        {
            onNotification?.Invoke(context.Params.IsEmpty ? string.Empty : System.Text.Encoding.UTF8.GetString(context.Params.Span));
            return ValueTask.CompletedTask;
        });
        return router;
    }

    public static string Text(this JsonElement element) => element.GetRawText();
}

internal sealed record AddParams(long A, long B);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(AddParams))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
