using Microsoft.Extensions.DependencyInjection;

namespace Code.Core.Hosting;

/// <summary>The <see cref="ICodeBuilder"/> handed out by <c>AddCode</c>.</summary>
internal sealed class CodeBuilder(IServiceCollection services) : ICodeBuilder
{
    public IServiceCollection Services { get; } = services;
}
