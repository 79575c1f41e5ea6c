using System.Buffers.Binary;
using System.Text;
using Code.Learning.Bandits;

namespace Code.Learning.Adaptation;

/// <summary>
/// The checkpoint of an adaptive policy: its parameter definition (names, bounds and candidate values, which
/// fix what each arm means) followed by the bandit's state. "ADP1", the parameter count, per parameter the
/// UTF-8 name (length-prefixed), minimum, maximum, candidate count and candidates, then the bandit bytes.
/// </summary>
internal static class PolicyCheckpoint
{
    private const uint Magic = 0x31504441; // "ADP1"
    private const int MaxNameBytes = 1024;

    public static byte[] Write(AdaptivePolicy policy)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) // little-endian
        {
            writer.Write(Magic);
            writer.Write(policy.Parameters.Count);
            foreach (var parameter in policy.Parameters)
            {
                var name = Encoding.UTF8.GetBytes(parameter.Name);
                writer.Write(name.Length);
                writer.Write(name);
                writer.Write(parameter.Minimum);
                writer.Write(parameter.Maximum);
                writer.Write(parameter.Candidates.Count);
                foreach (var candidate in parameter.Candidates)
                {
                    writer.Write(candidate);
                }
            }

            writer.Write(policy.Bandit.Serialize());
        }

        return stream.ToArray();
    }

    /// <summary>Reads a checkpoint; throws <see cref="InvalidDataException"/> when the bytes are not one (including a bare bandit without its definition).</summary>
    public static (IReadOnlyList<ParameterRange> Parameters, IBanditPolicy Bandit) Read(ReadOnlySpan<byte> data, int seed)
    {
        if (data.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            throw new InvalidDataException("The data is not an adaptive policy checkpoint with its parameter definition.");
        }

        var offset = 4;
        var count = Int(data, ref offset);
        if (count is < 1 or > 100)
        {
            throw new InvalidDataException($"The policy checkpoint declares {count} parameters.");
        }

        var parameters = new ParameterRange[count];
        try
        {
            for (var p = 0; p < count; p++)
            {
                var length = Int(data, ref offset);
                if (length is < 1 or > MaxNameBytes || offset + length > data.Length)
                {
                    throw new InvalidDataException($"The policy checkpoint has a parameter name of {length} bytes.");
                }

                var name = Encoding.UTF8.GetString(data.Slice(offset, length));
                offset += length;
                var minimum = Double(data, ref offset);
                var maximum = Double(data, ref offset);
                var candidates = Int(data, ref offset);
                if (candidates is < 1 or > 1000)
                {
                    throw new InvalidDataException($"The policy checkpoint declares {candidates} candidates for '{name}'.");
                }

                var values = new double[candidates];
                for (var c = 0; c < candidates; c++)
                {
                    values[c] = Double(data, ref offset);
                }

                parameters[p] = new ParameterRange(name, minimum, maximum, values);
            }
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException("The policy checkpoint holds an invalid parameter: " + ex.Message, ex);
        }

        return (parameters, BanditPolicy.Deserialize(data[offset..], seed));
    }

    /// <summary>Describes a parameter definition for error messages.</summary>
    public static string Describe(IReadOnlyList<ParameterRange> parameters) =>
        string.Join("; ", parameters.Select(p => $"{p.Name} in [{p.Minimum}, {p.Maximum}] from {{{string.Join(", ", p.Candidates)}}}"));

    private static int Int(ReadOnlySpan<byte> data, ref int offset)
    {
        if (offset + 4 > data.Length)
        {
            throw new InvalidDataException("The policy checkpoint is truncated.");
        }

        var value = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        offset += 4;
        return value;
    }

    private static double Double(ReadOnlySpan<byte> data, ref int offset)
    {
        if (offset + 8 > data.Length)
        {
            throw new InvalidDataException("The policy checkpoint is truncated.");
        }

        var value = BinaryPrimitives.ReadDoubleLittleEndian(data[offset..]);
        offset += 8;
        return value;
    }
}
