using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Code.Core.Configuration;

/// <summary>
/// Fails start-up when the bound configuration section holds a key that no <see cref="CodeOptions"/>
/// property reads, so a misspelt key (<c>max_conections</c>) is reported instead of silently ignored.
/// </summary>
/// <remarks>
/// The configuration binder's own <c>ErrorOnUnknownConfiguration</c> compares keys with property
/// names and so rejects every snake_case key; this check reads the <see cref="ConfigurationKeyNameAttribute"/>s.
/// </remarks>
internal sealed class CodeConfigurationKeysValidator(IConfiguration section) : IValidateOptions<CodeOptions>
{
    private static readonly Dictionary<string, HashSet<string>> KnownKeys = typeof(CodeOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .ToDictionary(
            KeyName,
            p => p.PropertyType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(KeyName).ToHashSet(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, CodeOptions options)
    {
        var failures = new List<string>();
        foreach (var child in section.GetChildren())
        {
            if (!KnownKeys.TryGetValue(child.Key, out var keys))
            {
                failures.Add($"{child.Path} is not a CODE configuration section; known sections are {string.Join(", ", KnownKeys.Keys)}.");
                continue;
            }

            foreach (var setting in child.GetChildren())
            {
                if (!keys.Contains(setting.Key))
                {
                    failures.Add($"{setting.Path} is not a CODE option; the keys of [{child.Key}] are {string.Join(", ", keys)}.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string KeyName(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
}
