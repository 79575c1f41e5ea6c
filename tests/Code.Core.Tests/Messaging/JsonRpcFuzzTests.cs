using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Code.Core.Messaging;
using Code.Core.Messaging.Transports;

namespace Code.Core.Tests.Messaging;

/// <summary>
/// Seeded fuzzing of the whole engine: well-formed requests, notifications and batches interleaved with random and
/// mutated frames, strings the reader accepts but cannot decode (unpaired surrogate escapes in ids, methods, member
/// names and cancellations; invalid UTF-8 bytes anywhere), written in randomly sized chunks. Every well-formed request
/// must get exactly one response, every byte written back must be valid JSON-RPC, and the connection must still answer
/// at the end.
/// </summary>
public sealed class JsonRpcFuzzTests
{
    private const int FrameCount = 120_000;

    private static readonly string[] Templates =
    [
        """{"jsonrpc":"2.0","id":ID,"method":"echo","params":{"text":"hello \u00e9","list":[1,2.5,null,true,{"k":"v"}]}}""",
        """{"jsonrpc":"2.0","id":ID,"method":"add","params":{"a":12,"b":30}}""",
        """{"jsonrpc":"2.0","id":ID,"method":"add","params":{"a":"twelve"}}""",
        """{"jsonrpc":"2.0","id":ID,"method":"throw"}""",
        """{"jsonrpc":"2.0","id":ID,"method":"no/such/method","params":[]}""",
        """{"id":ID,"jsonrpc":"2.0","params":["a",{"b":[[[]]]}],"method":"echo"}""",
        """{"jsonrpc":"2.0","id":ID,"method":"tools/call","params":{"name":"echo","arguments":{"x":1},"_meta":{"progressToken":7}}}""",
    ];

    private static readonly byte[][] InvalidUtf8 = [[0x80], [0xC0, 0xAF], [0xFF], [0xED, 0xA0, 0x80]];

    /// <summary>Well-formed JSON whose strings cannot be decoded; the id is replaced by a mutated-frame id.</summary>
    private static readonly string[] Undecodable =
    [
        """{"jsonrpc":"2.0","id":"\ud800","method":"ping"}""",
        """{"jsonrpc":"2.0","id":ID,"method":"\udc00echo"}""",
        """{"jsonrpc":"2.0","id":ID,"m\ud800":"echo","method":"add","params":{"a":1,"b":2}}""",
        """{"jsonrpc":"\udfff","id":ID,"method":"ping"}""",
        """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"\ud800"}}""",
        """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"request\ud800Id":1}}""",
        """[{"jsonrpc":"2.0","id":ID,"method":"\ud800"},{"jsonrpc":"2.0","id":"\udc00","method":"ping"}]""",
        """{"jsonrpc":"2.0","id":ID,"result":1}""",
        """{"jsonrpc":"2.0","id":ID,"error":{"code":1,"message":"\ud800"}}""",
    ];

    [Theory]
    [InlineData(20261126)]
    public async Task Random_and_mutated_frames_never_break_the_connection(int seed)
    {
        var random = new Random(seed);
        var (client, server) = MessageTransports.CreatePipePair(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        await using var connection = new JsonRpcConnection(server, TestRoutes.Create(), new MessagingOptions { MaxMessageSize = 4096 });
        connection.Start();

        var expected = new HashSet<string>(StringComparer.Ordinal);
        var answered = new Dictionary<string, int>(StringComparer.Ordinal);
        int responses = 0;
        var allRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task reading = Task.Run(() => ReadRepliesAsync(client.Input, answered, () => responses++, allRead));

        var chunk = new ArrayBufferWriter<byte>(1 << 16);
        int mutated = 0;
        for (int n = 0; n < FrameCount; n++)
        {
            int kind = random.Next(100);
            string frame;
            if (kind < 35)
            {
                string id = $"\"ok-{n}\"";
                expected.Add(id);
                frame = Templates[random.Next(Templates.Length)].Replace("ID", id, StringComparison.Ordinal);
            }
            else if (kind < 40)
            {
                frame = """{"jsonrpc":"2.0","method":"note","params":{"n":N}}""".Replace("N", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }
            else if (kind < 45)
            {
                string a = $"\"ok-{n}a\"", b = $"\"ok-{n}b\"";
                expected.Add(a);
                expected.Add(b);
                frame = $$"""[{{Templates[0].Replace("ID", a, StringComparison.Ordinal)}},{"jsonrpc":"2.0","method":"note"},{{Templates[1].Replace("ID", b, StringComparison.Ordinal)}}]""";
            }
            else if (kind < 52)
            {
                frame = RandomBytes(random);
                mutated++;
            }
            else if (kind < 60)
            {
                frame = Undecodable[random.Next(Undecodable.Length)].Replace("ID", $"\"m-{n}\"", StringComparison.Ordinal);
                mutated++;
            }
            else
            {
                frame = Mutate(random, Templates[random.Next(Templates.Length)].Replace("ID", $"\"m-{n}\"", StringComparison.Ordinal));
                mutated++;
            }

            byte[] bytes = Encoding.UTF8.GetBytes(frame.Replace('\n', ' '));
            if (kind >= 45 && random.Next(4) == 0)
            {
                // Invalid UTF-8 (a stray continuation byte, an overlong form, 0xFF, an encoded surrogate) anywhere in a hostile frame.
                int at = random.Next(bytes.Length + 1);
                byte[] bad = InvalidUtf8[random.Next(InvalidUtf8.Length)];
                bytes = [.. bytes.AsSpan(0, at), .. bad, .. bytes.AsSpan(at)];
            }

            chunk.Write(bytes);
            chunk.Write("\n"u8);
            if (chunk.WrittenCount > random.Next(256, 1 << 16))
            {
                await WriteInPiecesAsync(random, client.Output, chunk.WrittenMemory);
                chunk.ResetWrittenCount();
            }
        }

        // Control traffic overtakes queued tool calls, so one ping does not mark the end: once the first one is
        // answered every frame has been read, and once nothing is pending every response has been written; a
        // second ping then comes after all of them.
        Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"read-all\",\"method\":\"ping\"}\n", chunk);
        await WriteInPiecesAsync(random, client.Output, chunk.WrittenMemory);
        await allRead.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(SpinWait.SpinUntil(() => connection.PendingWork == 0, TimeSpan.FromSeconds(60)));
        await client.Output.WriteAsync(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"final\",\"method\":\"ping\"}\n"));
        await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(connection.Completion.IsCompleted, "The connection stopped.");
        Assert.True(mutated > FrameCount / 2);
        Assert.Equal(1, answered.GetValueOrDefault("\"final\""));
        Assert.Equal(1, answered.GetValueOrDefault("\"read-all\""));
        foreach (string id in expected)
        {
            Assert.True(answered.TryGetValue(id, out int count) && count == 1, $"Request {id} got {answered.GetValueOrDefault(id)} responses.");
        }

        Assert.DoesNotContain(answered, a => a.Key.StartsWith("\"ok-", StringComparison.Ordinal) && !expected.Contains(a.Key));
        Assert.True(responses >= expected.Count);
    }

    private static async Task ReadRepliesAsync(PipeReader input, Dictionary<string, int> answered, Action onResponse, TaskCompletionSource allRead)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } newline)
            {
                var line = buffer.Slice(0, newline);
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
                using var document = JsonDocument.Parse(line);
                IEnumerable<JsonElement> replies = document.RootElement.ValueKind == JsonValueKind.Array
                    ? document.RootElement.EnumerateArray()
                    : [document.RootElement];
                foreach (JsonElement reply in replies)
                {
                    Assert.Equal("2.0", reply.GetProperty("jsonrpc").GetString());
                    Assert.True(reply.TryGetProperty("result", out _) ^ reply.TryGetProperty("error", out _));
                    string id = reply.GetProperty("id").GetRawText();
                    answered[id] = answered.GetValueOrDefault(id) + 1;
                    onResponse();
                    if (id == "\"read-all\"")
                    {
                        allRead.SetResult();
                    }

                    if (id == "\"final\"")
                    {
                        return;
                    }
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            Assert.False(result.IsCompleted, "The connection closed its output.");
        }
    }

    private static async Task WriteInPiecesAsync(Random random, PipeWriter output, ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int size = Math.Min(bytes.Length, random.Next(1, 4096));
            await output.WriteAsync(bytes[..size]);
            bytes = bytes[size..];
        }
    }

    private static string RandomBytes(Random random)
    {
        const string Alphabet = "{}[]\":,0123456789.-+eE truefalsnl\\u\u00e9abcxyz";
        var text = new StringBuilder();
        int length = random.Next(0, 200);
        for (int i = 0; i < length; i++)
        {
            text.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return text.ToString();
    }

    private static string Mutate(Random random, string frame)
    {
        var text = new StringBuilder(frame);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits && text.Length > 0; e++)
        {
            int at = random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0:
                    text[at] = (char)random.Next(32, 127);
                    break;
                case 1:
                    text.Remove(at, Math.Min(text.Length - at, random.Next(1, 20)));
                    break;
                case 2:
                    text.Insert(at, "{[\":,}]"[random.Next(7)]);
                    break;
                case 3:
                    text.Length = at;
                    break;
                default:
                    int from = random.Next(text.Length);
                    int count = Math.Min(text.Length - from, random.Next(1, 30));
                    text.Insert(at, text.ToString(from, count));
                    break;
            }
        }

        return text.ToString();
    }
}
