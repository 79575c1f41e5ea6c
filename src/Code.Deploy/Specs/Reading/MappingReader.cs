namespace Code.Deploy.Specs.Reading;

/// <summary>
/// Reads the fields of one mapping by name; what it was asked for are the known fields, and
/// <see cref="Finish"/> reports every other field as unknown, with a "did you mean" when one is close.
/// </summary>
internal sealed class MappingReader
{
    private readonly SpecReadContext context;
    private readonly string path;
    private readonly Dictionary<string, (SpecNode Key, SpecNode Value)> values = new(StringComparer.Ordinal);
    private readonly List<SpecNode> order = [];
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    public MappingReader(SpecReadContext context, SpecNode? node, string path)
    {
        this.context = context;
        this.path = path;
        if (node is null || node.IsNull)
        {
            return;
        }

        if (node.Kind != SpecNodeKind.Mapping)
        {
            context.Error(path, node, "expected a mapping, got " + node.Describe());
            return;
        }

        foreach (var (key, value) in node.Entries)
        {
            if (!values.TryAdd(key.Text, (key, value)))
            {
                context.Error(SpecReadContext.Join(path, key.Text), key, "the field appears more than once");
                continue;
            }

            order.Add(key);
        }
    }

    public string Path => path;

    public SpecReadContext Context => context;

    public string PathOf(string key) => SpecReadContext.Join(path, key);

    public SpecNode? Take(string key)
    {
        known.Add(key);
        if (!values.TryGetValue(key, out var entry))
        {
            return null;
        }

        context.Record(PathOf(key), entry.Value);
        return entry.Value;
    }

    public bool Has(string key) => values.ContainsKey(key);

    public string? String(string key) => Take(key) is { } node ? context.ReadString(node, PathOf(key)) : null;

    public int? Int(string key) => Take(key) is { } node ? context.ReadInt(node, PathOf(key)) : null;

    public double? Double(string key) => Take(key) is { } node ? context.ReadDouble(node, PathOf(key)) : null;

    public bool? Bool(string key) => Take(key) is { } node ? context.ReadBool(node, PathOf(key)) : null;

    public TimeSpan? Duration(string key) => Take(key) is { } node ? context.ReadDuration(node, PathOf(key)) : null;

    public IntOrPercent? IntOrPercent(string key) => Take(key) is { } node ? context.ReadIntOrPercent(node, PathOf(key)) : null;

    public TEnum? Enum<TEnum>(string key, params (string Name, TEnum Value)[] names)
        where TEnum : struct => Take(key) is { } node ? context.ReadEnum(node, PathOf(key), names) : null;

    public T? Object<T>(string key, Func<MappingReader, T> read)
        where T : class
    {
        if (Take(key) is not { } node)
        {
            return null;
        }

        var reader = new MappingReader(context, node, PathOf(key));
        var value = read(reader);
        reader.Finish();
        return value;
    }

    public IReadOnlyList<T> List<T>(string key, Func<SpecNode, string, T?> read)
        where T : class
    {
        if (Take(key) is not { } node || node.IsNull)
        {
            return [];
        }

        var listPath = PathOf(key);
        if (node.Kind != SpecNodeKind.Sequence)
        {
            context.Error(listPath, node, "expected a list, got " + node.Describe());
            return [];
        }

        if (node.Items.Count > SpecLimits.MaxListItems)
        {
            context.Error(listPath, node, $"has {node.Items.Count} items, more than the limit of {SpecLimits.MaxListItems}");
            return [];
        }

        var items = new List<T>(node.Items.Count);
        for (var i = 0; i < node.Items.Count; i++)
        {
            var itemPath = SpecReadContext.Index(listPath, i);
            context.Record(itemPath, node.Items[i]);
            if (read(node.Items[i], itemPath) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    public IReadOnlyList<T> ObjectList<T>(string key, Func<MappingReader, T> read)
        where T : class => List(key, (node, itemPath) =>
        {
            var reader = new MappingReader(context, node, itemPath);
            var value = read(reader);
            reader.Finish();
            return value;
        });

    public IReadOnlyList<string> Strings(string key) => List(key, context.ReadString);

    public IReadOnlyList<int> Ints(string key) => List(key, (node, itemPath) => context.ReadInt(node, itemPath) is { } v ? (object)v : null).Cast<int>().ToList();

    /// <summary>Reports every field that was not asked for.</summary>
    public void Finish()
    {
        foreach (var key in order)
        {
            if (known.Contains(key.Text))
            {
                continue;
            }

            var suggestion = Suggestions.Closest(key.Text, known);
            context.Error(PathOf(key.Text), key, suggestion is null
                ? "unknown field" + (known.Count > 0 ? $" (known here: {string.Join(", ", known)})" : string.Empty)
                : $"unknown field (did you mean '{suggestion}'?)");
        }
    }
}
