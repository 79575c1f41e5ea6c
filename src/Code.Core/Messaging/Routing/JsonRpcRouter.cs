using System.Text.Json;
using Code.Core.Messaging.JsonRpc;

namespace Code.Core.Messaging.Routing;

/// <summary>
/// The table of methods a <see cref="JsonRpcConnection"/> serves: one handler and one <see cref="MessageLane"/> per
/// method name. A router may be shared by many connections and extended while they run.
/// </summary>
public sealed class JsonRpcRouter
{
    private readonly Lock _gate = new();
    private MethodRoute[] _routes = [];

    /// <summary>Gets the names of the registered methods.</summary>
    public IReadOnlyList<string> Methods => Array.ConvertAll(Volatile.Read(ref _routes), r => r.Method);

    /// <summary>Registers the handler of a method, replacing any earlier one.</summary>
    /// <param name="method">The method name, for example <c>tools/call</c>.</param>
    /// <param name="handler">The handler; it receives both requests and notifications of the method.</param>
    /// <param name="lane">The lane its requests are scheduled on.</param>
    /// <returns>This router.</returns>
    public JsonRpcRouter Map(string method, JsonRpcMethodHandler handler, MessageLane lane = MessageLane.Normal)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (!Enum.IsDefined(lane))
        {
            throw new ArgumentOutOfRangeException(nameof(lane), lane, "Unknown message lane.");
        }

        var route = new MethodRoute(method, handler, lane);
        lock (_gate)
        {
            var routes = new List<MethodRoute>(_routes.Length + 1);
            routes.AddRange(_routes.Where(r => !string.Equals(r.Method, method, StringComparison.Ordinal)));
            routes.Add(route);
            Volatile.Write(ref _routes, [.. routes]);
        }

        return this;
    }

    /// <summary>Tells whether a method has a handler.</summary>
    /// <param name="method">The method name.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool Contains(string method) => Array.Exists(Volatile.Read(ref _routes), r => string.Equals(r.Method, method, StringComparison.Ordinal));

    /// <summary>Finds the route whose name equals the reader's current string token, without allocating; none for text that cannot be decoded.</summary>
    internal MethodRoute? Match(ref Utf8JsonReader reader)
    {
        foreach (MethodRoute route in Volatile.Read(ref _routes))
        {
            if (JsonText.ValueTextEquals(ref reader, route.Utf8Name))
            {
                return route;
            }
        }

        return null;
    }
}
