using System.Text.Json;
using Code.Core.Messaging.Routing;

namespace Code.Core.Messaging.JsonRpc;

/// <summary>
/// The members of one JSON-RPC message read eagerly (<c>jsonrpc</c>, <c>id</c>, <c>method</c>), with
/// <c>params</c>, <c>result</c> and <c>error</c> left as byte ranges of the frame for later deserialization.
/// </summary>
internal struct ParsedMessage
{
    public MessageProblem Problem;
    public bool HasVersion;
    public bool HasId;
    public JsonRpcId Id;
    public bool HasMethod;
    public bool IsCancellation;
    public MethodRoute? Route;
    public string? UnknownMethod;
    public JsonTokenType ParamsKind;
    public long ParamsStart;
    public long ParamsLength;
    public bool HasResult;
    public long ResultStart;
    public long ResultLength;
    public bool HasError;
    public long ErrorStart;
    public long ErrorLength;

    public readonly bool IsRequest => HasMethod && HasId;

    public readonly bool IsResponse => !HasMethod && (HasResult || HasError);
}
