using System.Text;
using Code.Deploy.Specs;
using static Code.Deploy.Tests.DeployTestHost;

namespace Code.Deploy.Tests.Specs;

public sealed class HostileDocumentTests
{
    [Fact]
    public void A_yaml_alias_bomb_is_refused_before_it_expands()
    {
        // "Billion laughs": nine levels of ten aliases each would expand to 10^9 values.
        var yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            yaml.Append(level).Append(": &").Append(level).Append(" [")
                .AppendJoin(", ", Enumerable.Repeat("*" + previous, 10)).Append("]\n");
        }

        var result = Reader().Read(yaml.ToString(), SpecFormat.Yaml);

        var error = Assert.Single(result.Errors);
        Assert.Contains($"more than {SpecLimits.MaxNodes} values once YAML aliases are expanded", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Line);
    }

    [Theory]
    [InlineData(SpecFormat.Json)]
    [InlineData(SpecFormat.Yaml)]
    public void Deep_nesting_is_refused(SpecFormat format)
    {
        var text = "{\"app\": " + new string('[', 100_000);

        var error = Assert.Single(Reader().Read(text, format).Errors);

        Assert.Contains($"nested more than {SpecLimits.MaxDepth} levels deep", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Theory]
    [InlineData(SpecFormat.Json)]
    [InlineData(SpecFormat.Yaml)]
    public void A_document_over_the_size_limit_is_refused(SpecFormat format)
    {
        var bytes = new byte[SpecLimits.MaxDocumentBytes + 1];
        bytes.AsSpan().Fill((byte)' ');

        var error = Assert.Single(Reader().Read(bytes, format).Errors);

        Assert.Contains($"more than the limit of {SpecLimits.MaxDocumentBytes} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_over_the_size_limit_is_refused_without_reading_it_all()
    {
        using var stream = new EndlessStream();

        var result = await Reader().ReadAsync(stream, SpecFormat.Yaml);

        Assert.Contains("more than the limit", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.True(stream.BytesRead < SpecLimits.MaxDocumentBytes + (256 * 1024));
    }

    [Theory]
    [InlineData(SpecFormat.Json)]
    [InlineData(SpecFormat.Yaml)]
    public void Invalid_utf8_is_refused_with_its_position(SpecFormat format)
    {
        var bytes = Encoding.UTF8.GetBytes("{\"app\": \"sh\n  op\"}").ToList();
        bytes.Insert(12, 0xC3);
        bytes.Insert(13, 0x28);

        var error = Assert.Single(Reader().Read(bytes.ToArray(), format).Errors);

        Assert.Equal("the document is not valid UTF-8 (byte 12)", error.Message);
        Assert.Equal((2, 1), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("", "the document is empty")]
    [InlineData("app: a\n---\napp: b\n", "more than one YAML document")]
    [InlineData("app: !!python/object:os.system shop\n", "the tag tag:yaml.org,2002:python/object:os.system is not supported")]
    [InlineData("base: &b {replicas: 2}\n<<: *b\n", "merge keys")]
    [InlineData("? [a, b]\n: c\n", "a mapping key must be a string")]
    [InlineData("app: *nothing\n", "refers to no finished anchor")]
    [InlineData("a: &a [*a]\n", "refers to no finished anchor")]
    [InlineData("app: \"a\0b\"\n", "NUL character")]
    public void Odd_yaml_is_refused_clearly(string yaml, string expected)
    {
        var error = Assert.Single(Reader().Read(yaml, SpecFormat.Yaml).Errors);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_lists_are_refused_with_their_path()
    {
        var yaml = "app: shop\nrevision: {name: v2, command: [app], args: [" + string.Join(", ", Enumerable.Repeat("x", SpecLimits.MaxListItems + 1)) + "]}\n";

        var error = Assert.Single(Reader().Read(yaml, SpecFormat.Yaml).Errors);

        Assert.Equal("revision.args", error.Path);
    }

    [Fact]
    public void Random_bytes_never_escape_as_exceptions()
    {
        var random = new Random(4242);
        var samples = new[] { SpecExamples.Canary, SpecExamples.BlueGreen };
        for (var i = 0; i < 600; i++)
        {
            var source = Encoding.UTF8.GetBytes(samples[i % 2]);
            for (var flips = random.Next(1, 8); flips > 0; flips--)
            {
                source[random.Next(source.Length)] = (byte)random.Next(256);
            }

            foreach (var format in new[] { SpecFormat.Yaml, SpecFormat.Json })
            {
                var result = Reader().Read(source, format);
                Assert.True(result.IsValid || result.Errors.Count > 0);
            }
        }
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'a');
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
