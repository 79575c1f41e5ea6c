using Code.Core.Configuration.Toml;
using Code.Testing;
using Microsoft.Extensions.Configuration;

namespace Code.Core.Tests.Configuration;

public sealed class TomlConfigurationProviderTests
{
    [Fact]
    public void Flattens_tables_arrays_and_scalars_with_invariant_formatting()
    {
        var data = TomlConfigurationProvider.Parse("""
            title = "x"
            ratio = 0.5
            on = true
            [server]
            ports = [80, 443]
            [[server.routes]]
            path = "/a"
            [[server.routes]]
            path = "/b"
            """, "test.toml", prefix: null);

        Assert.Equal("x", data["title"]);
        Assert.Equal("0.5", data["ratio"]);
        Assert.Equal("true", data["on"]);
        Assert.Equal("80", data["server:ports:0"]);
        Assert.Equal("443", data["server:ports:1"]);
        Assert.Equal("/a", data["server:routes:0:path"]);
        Assert.Equal("/b", data["server:routes:1:path"]);
    }

    [Fact]
    public void Places_tables_under_the_prefix()
    {
        var data = TomlConfigurationProvider.Parse("[core]\nport = 1\n", "t.toml", prefix: "Code");

        Assert.Equal("1", data["Code:core:port"]);
    }

    [Fact]
    public void Invalid_toml_names_the_file_and_position()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.Combine("bad.toml"), "[core]\nport = = 3\n");

        var ex = Assert.Throws<InvalidDataException>(() =>
            new ConfigurationBuilder().SetBasePath(dir.Path).AddTomlFile("bad.toml").Build());

        var inner = Assert.IsType<FormatException>(ex.InnerException);
        Assert.Contains("bad.toml", inner.Message, StringComparison.Ordinal);
        Assert.Contains("not valid TOML", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_that_differ_only_in_case_are_refused()
    {
        var ex = Assert.Throws<FormatException>(() =>
            TomlConfigurationProvider.Parse("[core]\nport = 1\nPort = 2\n", "case.toml", prefix: null));

        Assert.Contains("core:Port", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_missing_optional_file_is_accepted_and_a_missing_required_one_is_not()
    {
        using var dir = new TemporaryDirectory();

        var configuration = new ConfigurationBuilder().SetBasePath(dir.Path).AddTomlFile("none.toml", optional: true).Build();
        Assert.Empty(configuration.AsEnumerable());

        Assert.Throws<FileNotFoundException>(() =>
            new ConfigurationBuilder().SetBasePath(dir.Path).AddTomlFile("none.toml", optional: false).Build());
    }
}
