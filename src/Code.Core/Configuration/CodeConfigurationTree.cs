using Microsoft.Extensions.Configuration;

namespace Code.Core.Configuration;

/// <summary>
/// The configuration section a host passed to <c>AddCode(IConfiguration)</c>, kept so that packages
/// registered later bind their own sections (<c>Code:experts</c>, ...) from the same tree.
/// </summary>
/// <param name="Section">The <c>Code</c> section.</param>
internal sealed record CodeConfigurationTree(IConfiguration Section);
