using System.Xml.Linq;

namespace Code.Core.Tests.Architecture;

/// <summary>Guards the layering of DESIGN.md: each package references only the packages below it.</summary>
public sealed class PackageLayeringTests
{
    public static TheoryData<string, string[]> AllowedReferences => new()
    {
        { "Code.Core", [] },
        { "Code.Learning", ["Code.Core"] },
        { "Code.Experts", ["Code.Core"] },
        { "Code.Deploy", ["Code.Learning", "Code.Experts"] },
        { "Code.Mcp", ["Code.Deploy"] },
    };

    [Theory]
    [MemberData(nameof(AllowedReferences))]
    public void Project_references_follow_the_layering(string package, string[] expected)
    {
        var project = XDocument.Load(Path.Combine(FindRepositoryRoot(), "src", package, $"{package}.csproj"));

        var references = project.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(expected.Order(StringComparer.Ordinal), references);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Code.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Code.Sdk.sln not found above {AppContext.BaseDirectory}.");
    }
}
