namespace Code.Deploy.Analysis.Conditions;

/// <summary>
/// Evaluates a parsed condition over a measured value. Total: every failure (a missing key, a wrong type,
/// NaN in a comparison, division by zero) is an <see cref="Evaluation"/> with a reason, never an exception.
/// </summary>
internal sealed partial class ConditionEvaluator(string text, MetricValue result)
{
    public Evaluation Evaluate(ConditionNode node) => node switch
    {
        LiteralNode literal => Evaluation.Of(literal.Value),
        ResultNode => Evaluation.Of(result),
        MemberNode member => Member(member),
        IndexNode index => Index(index),
        UnaryNode unary => Unary(unary),
        BinaryNode binary => Binary(binary),
        CallNode call => Call(call),
        _ => Evaluation.Fail($"cannot evaluate '{Text(node)}'"),
    };

    private Evaluation Member(MemberNode node)
    {
        var target = Evaluate(node.Target);
        if (target.Failed)
        {
            return target;
        }

        var value = target.Value!;
        if (value.Kind != MetricValueKind.Map)
        {
            return Evaluation.Fail($"{Text(node.Target)} is {MetricValue.Describe(value.Kind)} ({value}), not a map, so it has no field '{node.Name}'");
        }

        return value.Properties.TryGetValue(node.Name, out var field)
            ? Evaluation.Of(field)
            : Evaluation.Missing($"{Text(node.Target)} has no field '{node.Name}' (fields: {Keys(value)})");
    }

    private Evaluation Index(IndexNode node)
    {
        var target = Evaluate(node.Target);
        if (target.Failed)
        {
            return target;
        }

        var index = Evaluate(node.Index);
        if (index.Failed)
        {
            return index;
        }

        var value = target.Value!;
        var key = index.Value!;
        if (value.Kind == MetricValueKind.List)
        {
            if (key.Kind != MetricValueKind.Number || !double.IsInteger(key.Number))
            {
                return Evaluation.Fail($"a list index must be a whole number, got {key} in {Text(node)}");
            }

            var i = key.Number;
            return i >= 0 && i < value.Items.Count
                ? Evaluation.Of(value.Items[(int)i])
                : Evaluation.Missing($"{Text(node)} is out of range: {Text(node.Target)} has {value.Items.Count} item{(value.Items.Count == 1 ? string.Empty : "s")}");
        }

        if (value.Kind == MetricValueKind.Map)
        {
            if (key.Kind != MetricValueKind.Text)
            {
                return Evaluation.Fail($"a map key must be a string, got {key} in {Text(node)}");
            }

            return value.Properties.TryGetValue(key.Text, out var field)
                ? Evaluation.Of(field)
                : Evaluation.Missing($"{Text(node.Target)} has no field '{key.Text}' (fields: {Keys(value)})");
        }

        return Evaluation.Fail($"{Text(node.Target)} is {MetricValue.Describe(value.Kind)} ({value}), which cannot be indexed");
    }

    private Evaluation Unary(UnaryNode node)
    {
        var operand = Evaluate(node.Operand);
        if (operand.Failed)
        {
            return operand;
        }

        var value = operand.Value!;
        if (node.Operator == "!")
        {
            return value.Kind == MetricValueKind.Boolean
                ? Evaluation.Of(MetricValue.FromBoolean(!value.Boolean))
                : Evaluation.Fail($"'!' needs true or false, but {Text(node.Operand)} is {value}");
        }

        return value.Kind == MetricValueKind.Number
            ? Evaluation.Of(MetricValue.FromNumber(-value.Number))
            : Evaluation.Fail($"'-' needs a number, but {Text(node.Operand)} is {value}");
    }

    private Evaluation Binary(BinaryNode node)
    {
        if (node.Operator is "&&" or "||")
        {
            var left = Boolean(node.Left, node.Operator);
            if (left.Failed)
            {
                return left;
            }

            var leftValue = left.Value!.Boolean;
            if (node.Operator == "&&" ? !leftValue : leftValue)
            {
                return left;
            }

            return Boolean(node.Right, node.Operator);
        }

        var l = Evaluate(node.Left);
        if (l.Failed)
        {
            return l;
        }

        var r = Evaluate(node.Right);
        if (r.Failed)
        {
            return r;
        }

        var a = l.Value!;
        var b = r.Value!;
        return node.Operator switch
        {
            "==" or "!=" => Equality(node, a, b),
            "<" or "<=" or ">" or ">=" => Compare(node, a, b),
            _ => Arithmetic(node, a, b),
        };
    }

    private Evaluation Boolean(ConditionNode node, string op)
    {
        var value = Evaluate(node);
        if (value.Failed || value.Value!.Kind == MetricValueKind.Boolean)
        {
            return value;
        }

        return Evaluation.Fail($"'{op}' needs true or false, but {Text(node)} is {value.Value}");
    }

    private Evaluation Equality(BinaryNode node, MetricValue a, MetricValue b)
    {
        if (IsNaN(a) || IsNaN(b))
        {
            return NaN(node, a, b);
        }

        if (a.Kind != b.Kind && a.Kind != MetricValueKind.Null && b.Kind != MetricValueKind.Null)
        {
            return Evaluation.Fail($"cannot compare {MetricValue.Describe(a.Kind)} ({Text(node.Left)} = {a}) with {MetricValue.Describe(b.Kind)} ({Text(node.Right)} = {b})");
        }

        var equal = a.Equals(b);
        return Evaluation.Of(MetricValue.FromBoolean(node.Operator == "==" ? equal : !equal));
    }

    private Evaluation Compare(BinaryNode node, MetricValue a, MetricValue b)
    {
        int order;
        if (a.Kind == MetricValueKind.Number && b.Kind == MetricValueKind.Number)
        {
            if (double.IsNaN(a.Number) || double.IsNaN(b.Number))
            {
                return NaN(node, a, b);
            }

            order = a.Number.CompareTo(b.Number);
        }
        else if (a.Kind == MetricValueKind.Text && b.Kind == MetricValueKind.Text)
        {
            order = string.CompareOrdinal(a.Text, b.Text);
        }
        else
        {
            return Evaluation.Fail($"'{node.Operator}' compares two numbers or two strings, but {Text(node.Left)} is {a} and {Text(node.Right)} is {b}");
        }

        var holds = node.Operator switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            _ => order >= 0,
        };
        return Evaluation.Of(MetricValue.FromBoolean(holds));
    }

    private Evaluation Arithmetic(BinaryNode node, MetricValue a, MetricValue b)
    {
        if (node.Operator == "+" && a.Kind == MetricValueKind.Text && b.Kind == MetricValueKind.Text)
        {
            return a.Text.Length + b.Text.Length > Specs.SpecLimits.MaxStringLength
                ? Evaluation.Fail("the joined string is too long")
                : Evaluation.Of(MetricValue.FromString(a.Text + b.Text));
        }

        if (a.Kind != MetricValueKind.Number || b.Kind != MetricValueKind.Number)
        {
            return Evaluation.Fail($"'{node.Operator}' needs two numbers, but {Text(node.Left)} is {a} and {Text(node.Right)} is {b}");
        }

        var x = a.Number;
        var y = b.Number;
        if (node.Operator is "/" or "%" && y == 0)
        {
            return Evaluation.Fail($"division by zero in {Text(node)} ({Text(node.Right)} is 0)");
        }

        return Evaluation.Of(MetricValue.FromNumber(node.Operator switch
        {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            "/" => x / y,
            _ => x % y,
        }));
    }

    private Evaluation NaN(BinaryNode node, MetricValue a, MetricValue b) =>
        Evaluation.Fail($"{(IsNaN(a) ? Text(node.Left) : Text(node.Right))} is NaN, so '{Text(node)}' cannot be decided (use isNaN() or default())");

    private static bool IsNaN(MetricValue value) => value.Kind == MetricValueKind.Number && double.IsNaN(value.Number);

    private static string Keys(MetricValue map) => map.Properties.Count == 0
        ? "none"
        : string.Join(", ", map.Properties.Keys.Take(10)) + (map.Properties.Count > 10 ? ", …" : string.Empty);

    private string Text(ConditionNode node) => text[node.Start..node.End];
}
