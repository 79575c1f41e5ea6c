using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Code.Core.Configuration;

/// <summary>
/// Fails start-up when the bound configuration section holds a section or key that nothing reads, so a
/// misspelt key (<c>max_conections</c>) is reported instead of silently ignored. The known sections are
/// those of <see cref="CodeOptions"/> and those the packages registered with <c>AddOptionsSection</c>
/// (<c>experts</c>, ...); keys are checked to any depth.
/// </summary>
/// <remarks>
/// The configuration binder's own <c>ErrorOnUnknownConfiguration</c> compares keys with property
/// names and so rejects every snake_case key; this check reads the <see cref="ConfigurationKeyNameAttribute"/>s.
/// </remarks>
internal sealed class CodeConfigurationKeysValidator(IConfiguration section, IEnumerable<CodeSectionRegistration> packageSections)
    : IValidateOptions<CodeOptions>
{
    private static readonly (string Name, Type Type)[] CoreSections = typeof(CodeOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, p.PropertyType))
        .ToArray();

    public ValidateOptionsResult Validate(string? name, CodeOptions options)
    {
        var sections = new Dictionary<string, OptionsKeySchema>(StringComparer.OrdinalIgnoreCase);
        foreach (var (sectionName, type) in CoreSections.Concat(packageSections.Select(r => (r.Name, r.OptionsType))))
        {
            var schema = OptionsKeySchema.For(type);
            sections[sectionName] = sections.TryGetValue(sectionName, out var existing) ? existing.Union(schema) : schema;
        }

        var failures = new List<string>();
        foreach (var child in section.GetChildren())
        {
            if (!sections.TryGetValue(child.Key, out var schema))
            {
                failures.Add($"{child.Path} is not a CODE configuration section; known sections are {string.Join(", ", sections.Keys)}.");
                continue;
            }

            schema.Check(child, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
