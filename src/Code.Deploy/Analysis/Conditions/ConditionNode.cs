namespace Code.Deploy.Analysis.Conditions;

/// <summary>A node of a parsed condition; <see cref="Start"/>..<see cref="End"/> is its text in the condition.</summary>
internal abstract record ConditionNode(int Start, int End);

internal sealed record LiteralNode(MetricValue Value, int Start, int End) : ConditionNode(Start, End);

internal sealed record ResultNode(int Start, int End) : ConditionNode(Start, End);

internal sealed record MemberNode(ConditionNode Target, string Name, int Start, int End) : ConditionNode(Start, End);

internal sealed record IndexNode(ConditionNode Target, ConditionNode Index, int Start, int End) : ConditionNode(Start, End);

internal sealed record UnaryNode(string Operator, ConditionNode Operand, int Start, int End) : ConditionNode(Start, End);

internal sealed record BinaryNode(string Operator, ConditionNode Left, ConditionNode Right, int Start, int End) : ConditionNode(Start, End);

internal sealed record CallNode(string Function, IReadOnlyList<ConditionNode> Arguments, int Start, int End) : ConditionNode(Start, End);
