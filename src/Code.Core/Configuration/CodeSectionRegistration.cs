namespace Code.Core.Configuration;

/// <summary>
/// A package's options bound from a section of the CODE configuration tree (<c>Code:&lt;name&gt;</c>):
/// registered by <c>AddOptionsSection</c>, read by the key validator so the section and its keys are known.
/// </summary>
/// <param name="Name">The section's key under <c>Code</c>, for example <c>experts</c>.</param>
/// <param name="OptionsType">The options type whose properties name the section's keys.</param>
internal sealed record CodeSectionRegistration(string Name, Type OptionsType);
