using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration;

/// <summary>
/// The configuration keys an options type reads, to any depth: a property is known by its
/// <see cref="ConfigurationKeyNameAttribute"/> (or its name), a dictionary accepts any key and checks
/// each entry against its value type, a list accepts indexes. Keys compare ignoring case, as the binder does.
/// </summary>
internal sealed class OptionsKeySchema
{
    private static readonly OptionsKeySchema Leaf = new(null, null);

    private readonly Dictionary<string, Func<OptionsKeySchema>>? _properties;
    private readonly Func<OptionsKeySchema>? _anyKey;

    private OptionsKeySchema(Dictionary<string, Func<OptionsKeySchema>>? properties, Func<OptionsKeySchema>? anyKey)
    {
        _properties = properties;
        _anyKey = anyKey;
    }

    /// <summary>Gets the keys this level names, for error messages; empty for a dictionary, list or value.</summary>
    public IEnumerable<string> Keys => _properties?.Keys ?? Enumerable.Empty<string>();

    /// <summary>Builds the schema of a type.</summary>
    /// <param name="type">The options type (or a property's type).</param>
    /// <returns>The schema.</returns>
    public static OptionsKeySchema For(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid) || type == typeof(Uri)
            || type == typeof(object) || type == typeof(byte[]))
        {
            return Leaf;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new OptionsKeySchema(null, () => For(valueType));
        }

        if (type.IsArray || typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.IsArray ? type.GetElementType()! : ElementType(type) ?? typeof(object);
            return new OptionsKeySchema(null, () => For(element));
        }

        var properties = new Dictionary<string, Func<OptionsKeySchema>>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                var propertyType = property.PropertyType;
                properties[KeyName(property)] = () => For(propertyType);
            }
        }

        return new OptionsKeySchema(properties, null);
    }

    /// <summary>Gets the names of the keys of <paramref name="type"/>'s own level (its properties' key names).</summary>
    /// <param name="type">The options type.</param>
    /// <returns>The key names.</returns>
    public static IEnumerable<string> KeyNames(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).Select(KeyName);

    /// <summary>Adds a message to <paramref name="failures"/> for every key under <paramref name="section"/> that this schema does not read.</summary>
    /// <param name="section">The configuration section this schema describes.</param>
    /// <param name="failures">Where the messages go.</param>
    public void Check(IConfigurationSection section, List<string> failures)
    {
        foreach (var child in section.GetChildren())
        {
            if (Find(child.Key) is { } schema)
            {
                schema.Check(child, failures);
            }
            else if (_properties is not null)
            {
                failures.Add($"{child.Path} is not a CODE option; the keys of [{section.Path}] are {string.Join(", ", _properties.Keys)}.");
            }
            else
            {
                failures.Add($"{child.Path} is not a CODE option: [{section.Path}] takes a single value, not keys.");
            }
        }
    }

    /// <summary>Gets the schema of one key at this level, or <see langword="null"/> when this level does not read it.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key's schema, or <see langword="null"/>.</returns>
    public OptionsKeySchema? Find(string key) =>
        _anyKey is not null ? _anyKey()
        : _properties is not null && _properties.TryGetValue(key, out var schema) ? schema()
        : null;

    /// <summary>Combines two schemas of one section (a package that extends a section Code.Core owns).</summary>
    /// <param name="other">The other schema.</param>
    /// <returns>A schema that reads every key either reads.</returns>
    public OptionsKeySchema Union(OptionsKeySchema other)
    {
        if (_properties is null || other._properties is null)
        {
            return _properties is null ? other : this;
        }

        var merged = new Dictionary<string, Func<OptionsKeySchema>>(_properties, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, schema) in other._properties)
        {
            merged.TryAdd(key, schema);
        }

        return new OptionsKeySchema(merged, null);
    }

    private static string KeyName(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;

    private static Type? DictionaryValueType(Type type) =>
        (type.IsGenericType && IsDictionary(type.GetGenericTypeDefinition()) ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && IsDictionary(i.GetGenericTypeDefinition())))
            ?.GetGenericArguments()[1];

    private static bool IsDictionary(Type definition) =>
        definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(Dictionary<,>);

    private static Type? ElementType(Type type) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))
            ?.GetGenericArguments()[0];
}
