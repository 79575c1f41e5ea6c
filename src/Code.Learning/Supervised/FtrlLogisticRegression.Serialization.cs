using System.Buffers.Binary;

namespace Code.Learning.Supervised;

/// <content>Serialization: the header (hyper-parameters and quality counters), then only the touched slots.</content>
public sealed partial class FtrlLogisticRegression
{
    /// <summary>Serializes the model (hyper-parameters, the non-zero FTRL state and the quality counters).</summary>
    /// <returns>The bytes, readable by <see cref="Deserialize"/>.</returns>
    public byte[] Serialize()
    {
        lock (_writeLock)
        {
            var used = 0;
            for (var i = 0; i < _n.Length; i++)
            {
                if (_n[i] != 0)
                {
                    used++;
                }
            }

            var buffer = new byte[HeaderSize + (used * 20)];
            var span = buffer.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(span, FormatMagic);
            BinaryPrimitives.WriteInt32LittleEndian(span[4..], FormatVersion);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], HashBits);
            BinaryPrimitives.WriteDoubleLittleEndian(span[12..], _alpha);
            BinaryPrimitives.WriteDoubleLittleEndian(span[20..], _beta);
            BinaryPrimitives.WriteDoubleLittleEndian(span[28..], _l1);
            BinaryPrimitives.WriteDoubleLittleEndian(span[36..], _l2);
            BinaryPrimitives.WriteInt64LittleEndian(span[44..], _examples);
            BinaryPrimitives.WriteDoubleLittleEndian(span[52..], _logLossSum);
            BinaryPrimitives.WriteDoubleLittleEndian(span[60..], _brierSum);
            BinaryPrimitives.WriteInt64LittleEndian(span[68..], _correct);
            BinaryPrimitives.WriteInt32LittleEndian(span[76..], used);
            for (var b = 0; b < CalibrationBins; b++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[(80 + (b * 16))..], _binPredicted[b]);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(88 + (b * 16))..], _binObserved[b]);
            }

            var offset = HeaderSize;
            for (var i = 0; i < _n.Length; i++)
            {
                if (_n[i] != 0)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(span[offset..], i);
                    BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 4)..], _z[i]);
                    BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 12)..], _n[i]);
                    offset += 20;
                }
            }

            return buffer;
        }
    }

    /// <summary>Reads a model written by <see cref="Serialize"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid FTRL model.</exception>
    public static FtrlLogisticRegression Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(data) != FormatMagic)
        {
            throw new InvalidDataException("The data is not a serialized FTRL model (missing header).");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"The FTRL model has format version {version}; this library reads version {FormatVersion}.");
        }

        FtrlLogisticRegression model;
        try
        {
            model = new FtrlLogisticRegression(new FtrlOptions
            {
                HashBits = BinaryPrimitives.ReadInt32LittleEndian(data[8..]),
                Alpha = BinaryPrimitives.ReadDoubleLittleEndian(data[12..]),
                Beta = BinaryPrimitives.ReadDoubleLittleEndian(data[20..]),
                L1 = BinaryPrimitives.ReadDoubleLittleEndian(data[28..]),
                L2 = BinaryPrimitives.ReadDoubleLittleEndian(data[36..]),
            });
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidDataException("The serialized FTRL model has invalid hyper-parameters: " + ex.Message, ex);
        }

        model._examples = BinaryPrimitives.ReadInt64LittleEndian(data[44..]);
        model._logLossSum = BinaryPrimitives.ReadDoubleLittleEndian(data[52..]);
        model._brierSum = BinaryPrimitives.ReadDoubleLittleEndian(data[60..]);
        model._correct = BinaryPrimitives.ReadInt64LittleEndian(data[68..]);
        var used = BinaryPrimitives.ReadInt32LittleEndian(data[76..]);
        for (var b = 0; b < CalibrationBins; b++)
        {
            model._binPredicted[b] = BinaryPrimitives.ReadDoubleLittleEndian(data[(80 + (b * 16))..]);
            model._binObserved[b] = BinaryPrimitives.ReadDoubleLittleEndian(data[(88 + (b * 16))..]);
        }

        if (used < 0 || used > model._n.Length || data.Length != HeaderSize + ((long)used * 20))
        {
            throw new InvalidDataException($"The serialized FTRL model declares {used} slots but holds {data.Length - HeaderSize} bytes of slot data.");
        }

        var offset = HeaderSize;
        for (var k = 0; k < used; k++)
        {
            var slot = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
            var z = BinaryPrimitives.ReadDoubleLittleEndian(data[(offset + 4)..]);
            var n = BinaryPrimitives.ReadDoubleLittleEndian(data[(offset + 12)..]);
            if ((uint)slot >= (uint)model._n.Length || !double.IsFinite(z) || !(n >= 0) || !double.IsFinite(n))
            {
                throw new InvalidDataException($"The serialized FTRL model has an invalid slot entry at byte {offset}.");
            }

            model._z[slot] = z;
            model._n[slot] = n;
            model._weights[slot] = model.Weight(z, n);
            offset += 20;
        }

        return model;
    }

    private const int HeaderSize = 80 + (CalibrationBins * 16);
}
