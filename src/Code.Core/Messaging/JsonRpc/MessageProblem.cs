namespace Code.Core.Messaging.JsonRpc;

/// <summary>Why a well-formed JSON object is not a valid JSON-RPC 2.0 message.</summary>
internal enum MessageProblem
{
    None,
    MissingVersion,
    WrongVersion,
    InvalidId,
    UndecodableId,
    UndecodableMethod,
    MethodNotString,
    ParamsNotStructured,
    ResultAndError,
    NotAMessage,
    ResponseWithoutId,
    NotAnObject,
}

/// <summary>The <c>message</c> texts of invalid-request errors, one per <see cref="MessageProblem"/>.</summary>
internal static class MessageProblemText
{
    public static string Describe(MessageProblem problem) => problem switch
    {
        MessageProblem.MissingVersion => "Invalid Request: the 'jsonrpc' member is missing; it must be \"2.0\".",
        MessageProblem.WrongVersion => "Invalid Request: the 'jsonrpc' member must be the string \"2.0\".",
        MessageProblem.InvalidId => "Invalid Request: 'id' must be a string, a number or null.",
        MessageProblem.UndecodableId => "Invalid Request: 'id' " + JsonText.Undecodable + ".",
        MessageProblem.UndecodableMethod => "Invalid Request: 'method' " + JsonText.Undecodable + ".",
        MessageProblem.MethodNotString => "Invalid Request: 'method' must be a string.",
        MessageProblem.ParamsNotStructured => "Invalid Request: 'params' must be an object or an array.",
        MessageProblem.ResultAndError => "Invalid Request: a response has either 'result' or 'error', not both.",
        MessageProblem.ResponseWithoutId => "Invalid Request: a response needs an 'id'.",
        MessageProblem.NotAnObject => "Invalid Request: a message must be a JSON object (or a batch array of objects).",
        _ => "Invalid Request: the object has neither 'method' (request or notification) nor 'result'/'error' (response).",
    };
}
