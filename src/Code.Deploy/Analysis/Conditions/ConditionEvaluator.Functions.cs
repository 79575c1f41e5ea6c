namespace Code.Deploy.Analysis.Conditions;

/// <summary>The functions of the condition language.</summary>
internal sealed partial class ConditionEvaluator
{
    private Evaluation Call(CallNode node)
    {
        if (node.Function == "default")
        {
            var first = Evaluate(node.Arguments[0]);
            if (first.IsMissing || (!first.Failed && (first.Value!.Kind == MetricValueKind.Null || IsNaN(first.Value))))
            {
                return Evaluate(node.Arguments[1]);
            }

            return first;
        }

        var arguments = new MetricValue[node.Arguments.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            var argument = Evaluate(node.Arguments[i]);
            if (argument.Failed)
            {
                return argument;
            }

            arguments[i] = argument.Value!;
        }

        var x = arguments[0];
        switch (node.Function)
        {
            case "len":
                return x.Kind switch
                {
                    MetricValueKind.List => Evaluation.Of(MetricValue.FromNumber(x.Items.Count)),
                    MetricValueKind.Map => Evaluation.Of(MetricValue.FromNumber(x.Properties.Count)),
                    MetricValueKind.Text => Evaluation.Of(MetricValue.FromNumber(x.Text.Length)),
                    _ => Evaluation.Fail($"len() needs a list, a map or a string, but {Text(node.Arguments[0])} is {x}"),
                };
            case "isNaN":
            case "isInf":
            case "abs":
                if (x.Kind != MetricValueKind.Number)
                {
                    return Evaluation.Fail($"{node.Function}() needs a number, but {Text(node.Arguments[0])} is {x}");
                }

                return Evaluation.Of(node.Function switch
                {
                    "isNaN" => MetricValue.FromBoolean(double.IsNaN(x.Number)),
                    "isInf" => MetricValue.FromBoolean(double.IsInfinity(x.Number)),
                    _ => MetricValue.FromNumber(Math.Abs(x.Number)),
                });
            default:
                return Aggregate(node, arguments);
        }
    }

    private Evaluation Aggregate(CallNode node, MetricValue[] arguments)
    {
        IReadOnlyList<MetricValue> values = arguments.Length == 1 && arguments[0].Kind == MetricValueKind.List ? arguments[0].Items : arguments;
        if (node.Function is "sum" or "avg" && (arguments.Length != 1 || arguments[0].Kind != MetricValueKind.List))
        {
            return Evaluation.Fail($"{node.Function}() needs a list, but {Text(node.Arguments[0])} is {arguments[0]}");
        }

        var numbers = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Kind != MetricValueKind.Number)
            {
                return Evaluation.Fail($"{node.Function}() needs numbers, but item {i} of {Text(node)} is {values[i]}");
            }

            numbers[i] = values[i].Number;
        }

        if (numbers.Length == 0 && node.Function != "sum")
        {
            return Evaluation.Missing($"{node.Function}() of an empty list in {Text(node)}");
        }

        return Evaluation.Of(MetricValue.FromNumber(node.Function switch
        {
            "sum" => numbers.Sum(),
            "avg" => numbers.Average(),
            "min" => numbers.Min(),
            _ => numbers.Max(),
        }));
    }
}
