namespace Code.Core.Messaging.JsonRpc;

/// <summary>The JSON type of a <see cref="JsonRpcId"/>.</summary>
public enum JsonRpcIdKind
{
    /// <summary>No id: the message is a notification.</summary>
    None = 0,

    /// <summary>The JSON literal <c>null</c>.</summary>
    Null = 1,

    /// <summary>A JSON number.</summary>
    Number = 2,

    /// <summary>A JSON string.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after the JSON type.")]
    String = 3,
}
