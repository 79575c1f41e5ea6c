using System.Text;

namespace Code.Core.Messaging.Routing;

/// <summary>A registered method: its name (also as UTF-8, for allocation-free matching), handler and lane.</summary>
internal sealed class MethodRoute
{
    public MethodRoute(string method, JsonRpcMethodHandler handler, MessageLane lane)
    {
        Method = method;
        Utf8Name = Encoding.UTF8.GetBytes(method);
        Handler = handler;
        Lane = lane;
    }

    public string Method { get; }

    public byte[] Utf8Name { get; }

    public JsonRpcMethodHandler Handler { get; }

    public MessageLane Lane { get; }
}
